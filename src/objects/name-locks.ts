/**
 * Per-name mutual exclusion inside one object. The catalog creates and deletes a tenant's queues
 * and topics by calling other objects, and its input gate opens while it awaits them; without this
 * a CreateQueue could slip between a DeleteQueue's destroy and its unregister.
 */
export class NameLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async with<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.tails.set(name, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    }
  }
}
