/**
 * Group commit, per key (a live): while one call for a key is in flight, the calls that come
 * meanwhile wait for it, then go together in one `many` call; the ones that come during that wait
 * for it in turn. A lone call waits for nothing and costs what it cost alone, while a burst pays
 * one command for many callers. Each batch is issued after its callers arrived: nothing is reused
 * from before them, so a batched read or write sees what their own would have seen.
 */
export class GroupCommit<In, Out> {
  private readonly waiting = new Map<string, Waiter<In, Out>[]>();

  constructor(
    /** One caller's call, on its own. */
    private readonly one: (key: string, input: In) => Promise<Out>,
    /**
     * The calls of two or more waiting callers, in one. Answers in the inputs' order; an input
     * answered `undefined` goes on its own instead (`one` must then also finish what `many` may
     * have done for it). When it throws, every waiting caller gets its error, as one call's
     * failure would: a write whose outcome is unknown is not run again.
     */
    private readonly many: (key: string, inputs: In[]) => Promise<(Out | undefined)[]>,
  ) {}

  run(key: string, input: In): Promise<Out> {
    const waiting = this.waiting.get(key);
    if (waiting) return new Promise((resolve, reject) => waiting.push({ input, resolve, reject }));
    this.waiting.set(key, []);
    return this.one(key, input).finally(() => this.next(key));
  }

  /** Runs the callers that waited for the call just finished; then the next ones. */
  private next(key: string): void {
    const batch = this.waiting.get(key) ?? [];
    if (batch.length === 0) {
      this.waiting.delete(key);
      return;
    }
    this.waiting.set(key, []);
    void this.runTogether(key, batch).finally(() => this.next(key));
  }

  private async runTogether(key: string, batch: Waiter<In, Out>[]): Promise<void> {
    const inputs = batch.map((waiter) => waiter.input);
    let answers: (Out | undefined)[] = [];
    if (batch.length > 1) {
      try {
        answers = await this.many(key, inputs);
      } catch (error) {
        batch.forEach((waiter) => waiter.reject(error));
        return;
      }
    }
    await Promise.all(
      batch.map((waiter, i) => {
        const answer = answers[i];
        if (answer !== undefined) return waiter.resolve(answer);
        return this.one(key, waiter.input).then(waiter.resolve, waiter.reject);
      }),
    );
  }
}

interface Waiter<In, Out> {
  input: In;
  resolve: (out: Out) => void;
  reject: (error: unknown) => void;
}
