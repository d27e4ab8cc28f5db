/**
 * Append-only buffers over typed arrays that double their capacity when full, for index
 * builds whose final size is unknown until the last article. They keep numbers unboxed,
 * where a plain array of millions of entries would cost the garbage collector dearly.
 */

type TypedArray = Int32Array | Float64Array | Uint8Array;

interface TypedArrayConstructor<T extends TypedArray> {
  new (length: number): T;
}

const INITIAL_CAPACITY = 1024;

export class TypedArrayBuilder<T extends TypedArray> {
  private buffer: T;
  private size = 0;

  constructor(private readonly type: TypedArrayConstructor<T>) {
    this.buffer = new type(INITIAL_CAPACITY);
  }

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.buffer.length) {
      const grown = new this.type(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.size++] = value;
  }

  /** Returns a copy trimmed to the pushed values. */
  toArray(): T {
    return this.buffer.slice(0, this.size) as T;
  }
}
