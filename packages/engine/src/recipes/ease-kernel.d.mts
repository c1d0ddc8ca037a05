export interface EaseScratch {
  readonly heapIdx: Int32Array;
  readonly heapVal: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
}

export function gramRows(
  g: Float32Array,
  n: number,
  itemPtr: Int32Array,
  itemUsers: Int32Array,
  userPtr: Int32Array,
  userItems: Int32Array,
  from: number,
  to: number,
): void;

export function createEaseScratch(size: number): EaseScratch;

export function solveTargets(
  g: Float32Array,
  n: number,
  lambda: number,
  size: number,
  from: number,
  to: number,
  outIdx: Int32Array,
  outVal: Float32Array,
  scratch: EaseScratch,
): void;
