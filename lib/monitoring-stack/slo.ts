import { Duration } from 'cdk8s';

/**
 * A latency objective: `objective` of requests get their first token within `threshold`.
 * The threshold must be a bucket boundary of the engine's histogram (the rule counts the
 * requests in the `le` bucket), e.g. 0.5, 1, 2.5 or 5 s on vLLM; 1, 2 or 4 s on SGLang.
 */
export interface LatencyObjective {
  /** Latency every good request stays within. */
  readonly threshold: Duration;
  /** Share of requests that must be good, in (0, 1), e.g. 0.95. */
  readonly objective: number;
}

/**
 * Service level objectives; alerts fire on how fast the error budget burns.
 */
export interface SloOptions {
  /**
   * Share of requests that must succeed, in (0, 1). The error budget is `1 - availability`.
   * @default DEFAULT_SLO.availability (0.99)
   */
  readonly availability?: number;
  /**
   * Time-to-first-token objective.
   * @default DEFAULT_SLO.timeToFirstToken (95 % within 1 s)
   */
  readonly timeToFirstToken?: LatencyObjective;
}

/** Default objectives: 99 % of requests succeed; 95 % get a first token within 1 s. */
export const DEFAULT_SLO = {
  availability: 0.99,
  // 1 s is a bucket boundary of both vLLM's and SGLang's TTFT histograms.
  timeToFirstToken: { threshold: Duration.seconds(1), objective: 0.95 } as LatencyObjective,
} as const;

/** One tier of a multi-window, multi-burn-rate alert (Google SRE workbook, chapter 5). */
export interface BurnRateTier {
  /** How many times faster than sustainable the budget burns. */
  readonly factor: number;
  /** Long window: the burn is real. */
  readonly longWindow: string;
  /** Short window: the burn is still happening (so the alert resets quickly). */
  readonly shortWindow: string;
}

/**
 * Page: 2 % of a 30-day budget in 1 h (14.4x) or 5 % in 6 h (6x).
 * Ticket: 10 % in 1 d (3x) or 10 % in 3 d (1x). Values from the SRE workbook's table.
 */
export const BURN_RATE_TIERS = {
  page: [
    { factor: 14.4, longWindow: '1h', shortWindow: '5m' },
    { factor: 6, longWindow: '6h', shortWindow: '30m' },
  ] as readonly BurnRateTier[],
  ticket: [
    { factor: 3, longWindow: '1d', shortWindow: '2h' },
    { factor: 1, longWindow: '3d', shortWindow: '6h' },
  ] as readonly BurnRateTier[],
};

/** Every window a burn-rate tier reads, in ascending order. */
export const BURN_RATE_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/** The largest burn factor: an objective whose budget times this is >= 1 can never page. */
export const MAX_BURN_FACTOR = 14.4;

/**
 * A regex matching a histogram `le` label for `seconds` in both the Python client's form
 * (`1.0`) and Prometheus 3's normalised form (`1`).
 */
export function leMatcher(seconds: number): string {
  const text = String(seconds);
  const escaped = text.replace(/\./g, '\\\\.');
  return text.includes('.') ? `=~"${escaped}0*"` : `=~"${escaped}(\\\\.0+)?"`;
}
