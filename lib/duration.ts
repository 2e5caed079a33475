import { Duration } from 'cdk8s';

/**
 * Seconds of a Duration, fractional when it is. cdk8s's `Duration.toSeconds()` throws on anything
 * that is not a whole number of seconds (`Duration.millis(250)`), which would surface as a cdk8s
 * error instead of a modelship ValidationError; every duration modelship reads goes through here.
 */
export function fractionalSeconds(d: Duration): number {
  return d.toMilliseconds({ integral: false }) / 1000;
}
