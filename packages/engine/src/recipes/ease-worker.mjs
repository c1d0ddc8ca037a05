// One neighbourhood-EASE worker thread: fills rows of the shared co-occurrence matrix, or solves the
// weights of a range of target items. Ranges never overlap, so the result equals one thread's.
import { parentPort, workerData } from 'node:worker_threads';
import { createEaseScratch, gramRows, solveTargets } from './ease-kernel.mjs';

const { n, g, itemPtr, itemUsers, userPtr, userItems, outIdx, outVal, maxSize } = workerData;
const gram = new Float32Array(g);
const scratch = createEaseScratch(maxSize);

parentPort.on('message', ({ id, task, from, to, lambda, size }) => {
  if (task === 'gram') {
    gramRows(gram, n, new Int32Array(itemPtr), new Int32Array(itemUsers), new Int32Array(userPtr), new Int32Array(userItems), from, to);
  } else {
    solveTargets(gram, n, lambda, size, from, to, new Int32Array(outIdx), new Float32Array(outVal), scratch);
  }
  parentPort.postMessage({ id });
});
