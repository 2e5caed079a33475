/**
 * How modelship writes numbers into quantity fields. Output stays what modelship always wrote
 * (`80Gi`, `1.5Gi`, `cpu: 6`) wherever that is a valid quantity, so valid inputs render
 * byte-identically; only where JavaScript would write exponent notation (`1e-9Gi`, `1e+21`), which
 * no quantity parser accepts with a suffix, the renderers of lib/private/api-rules take over
 * (`1Ki`, `1000000000000000000000`).
 *
 * These renderers assume the number was checked with `renderGiB` / `renderDecimal` (finite, in
 * range): the checks record problems, these only write.
 */
import { CollectingSink, renderDecimal, renderGiB } from './api-rules';

/** A decimal number without exponent: what `${n}` gives for numbers from 1e-6 to 1e21. */
const PLAIN = /^\d+(\.\d+)?$/;

/** A number of GiB as a quantity string. */
export function gibQuantity(gib: number): string {
  if (PLAIN.test(String(gib))) return `${gib}Gi`;
  return renderGiB(new CollectingSink(), 'gib', gib) ?? `${gib}Gi`;
}

/** A number of cores as a quantity: the number itself when JSON writes it without exponent, else a string. */
export function coresQuantity(cores: number): number | string {
  if (PLAIN.test(String(cores))) return cores;
  return renderDecimal(new CollectingSink(), 'cores', cores) ?? cores;
}
