// Per-object numbers kept between samples for 100,000s of objects (the metrics collector's previous counters, the
// simulator's workload counters) without an object per entry: each key gets a dense slot, and the numbers live in
// one Float64Array, `width` per slot. Memory is then ~8 bytes a number plus the key's Map entry, where an object per
// VM with boxed doubles cost ~10x that and gave the GC 100,000s of old objects to trace.
// Slots of removed keys are reused (a free list), so churn does not grow the table.

export class CounterTable<K> {
  private readonly slots = new Map<K, number>();
  private readonly free: number[] = [];
  /** The key of each slot (undefined when free), to drop a slot by number. */
  private readonly keys: (K | undefined)[] = [];
  private data: Float64Array;
  /** The sweep mark of each slot (sweep() drops keys not marked since the previous sweep). */
  private marks: Uint8Array;
  private used = 0;

  constructor(readonly width: number, initialSlots = 1024) {
    this.data = new Float64Array(width * initialSlots);
    this.marks = new Uint8Array(initialSlots);
  }

  get size(): number { return this.slots.size; }

  /** The key's slot, or -1. */
  find(key: K): number { return this.slots.get(key) ?? -1; }

  /** The key's slot, created with every number NaN when new (`created` then says so until the next call). */
  slot(key: K): number {
    let s = this.slots.get(key);
    this.created = s === undefined;
    if (s === undefined) {
      s = this.free.pop() ?? this.used++;
      if (s >= this.marks.length) this.grow();
      this.data.fill(NaN, s * this.width, (s + 1) * this.width);
      this.slots.set(key, s);
      this.keys[s] = key;
    }
    this.marks[s] = 1;
    return s;
  }

  /** Whether the last slot() call created its slot. */
  created = false;

  get(slot: number, i: number): number { return this.data[slot * this.width + i]; }
  set(slot: number, i: number, v: number): void { this.data[slot * this.width + i] = v; }

  delete(key: K): void {
    const s = this.slots.get(key);
    if (s !== undefined) this.deleteSlot(s);
  }

  deleteSlot(s: number): void {
    const key = this.keys[s];
    if (key === undefined) return;
    this.slots.delete(key);
    this.keys[s] = undefined;
    this.free.push(s);
  }

  /** Drops every key whose slot() was not called since the previous sweep (objects no longer sampled). */
  sweep(): void {
    for (let s = 0; s < this.used; s++) {
      if (this.keys[s] === undefined) continue;
      if (this.marks[s] === 0) this.deleteSlot(s);
      else this.marks[s] = 0;
    }
  }

  private grow(): void {
    const slots = this.marks.length * 2;
    const data = new Float64Array(this.width * slots);
    data.set(this.data);
    const marks = new Uint8Array(slots);
    marks.set(this.marks);
    this.data = data;
    this.marks = marks;
  }
}
