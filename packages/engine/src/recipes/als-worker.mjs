// One ALS worker thread: re-solves a range of rows of one side against the other side's fixed
// factors. All arrays are SharedArrayBuffers from the main thread; ranges never overlap, so the
// result is the same as solving the rows in one thread.
import { parentPort, workerData } from 'node:worker_threads';
import { solveRows } from './cg-kernel.mjs';

const { k, users, items, byUser, byItem } = workerData;
const factors = { users: new Float32Array(users), items: new Float32Array(items) };
const matrix = {
  users: { ptr: new Int32Array(byUser.ptr), idx: new Int32Array(byUser.idx), conf: new Float32Array(byUser.conf) },
  items: { ptr: new Int32Array(byItem.ptr), idx: new Int32Array(byItem.idx), conf: new Float32Array(byItem.conf) },
};

parentPort.on('message', ({ id, side, from, to, steps, gram }) => {
  const m = matrix[side];
  const target = factors[side];
  const fixed = side === 'users' ? factors.items : factors.users;
  solveRows(target, m.ptr, m.idx, m.conf, fixed, new Float64Array(gram), k, steps, from, to);
  parentPort.postMessage({ id });
});
