/**
 * Failed log-ins counted per account (whatever the address) and per address (whatever the account),
 * in a sliding window: guessing one account from many addresses, and one password sprayed over many
 * accounts from one address, are both slowed. Successful log-ins are not counted, so a front office
 * behind one NAT address logs in all its staff at 8 o'clock. In memory, per process (see docs).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until these keys may try again, or 0 when none has used up its failures. */
  retryAfterSeconds(keys: string[]): number {
    const now = this.now();
    let waitMs = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.maxFailures) waitMs = Math.max(waitMs, recent[recent.length - this.maxFailures]! + this.windowMs - now);
    }
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  recordFailure(keys: string[]): void {
    const now = this.now();
    // Keys are dropped when read after their window; a spray of distinct e-mails is swept here.
    if (this.failures.size > 10_000) for (const key of [...this.failures.keys()]) this.recent(key, now);
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
  }

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }
}

/** The keys a log-in attempt is counted under. */
export const loginThrottleKeys = (address: string, email: string) => [`address:${address}`, `account:${email.trim().toLowerCase()}`];
