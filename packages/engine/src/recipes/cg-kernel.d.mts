export interface CgScratch {
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly ap: Float64Array;
}

export function createScratch(k: number): CgScratch;

export function solveRow(
  target: Float32Array,
  row: number,
  k: number,
  idx: Int32Array,
  conf: Float32Array,
  start: number,
  end: number,
  y: Float32Array,
  g: Float64Array,
  steps: number,
  scratch: CgScratch,
): void;

export function solveRows(
  target: Float32Array,
  ptr: Int32Array,
  idx: Int32Array,
  conf: Float32Array,
  y: Float32Array,
  g: Float64Array,
  k: number,
  steps: number,
  from: number,
  to: number,
): void;
