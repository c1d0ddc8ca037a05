/** Dictionary encoding: each distinct string gets a dense integer code, append-only. */
export class Dictionary {
  readonly values: string[];
  private readonly index = new Map<string, number>();

  constructor(values: readonly string[] = []) {
    this.values = [...values];
    this.values.forEach((v, i) => this.index.set(v, i));
  }

  get size(): number {
    return this.values.length;
  }

  /** Code of `value`, adding it when new. */
  encode(value: string): number {
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.index.set(value, code);
    }
    return code;
  }

  /** Code of `value`, or -1 when it has never been seen. */
  lookup(value: string): number {
    return this.index.get(value) ?? -1;
  }

  decode(code: number): string {
    const v = this.values[code];
    if (v === undefined) throw new RangeError(`dictionary code ${code} out of range`);
    return v;
  }
}
