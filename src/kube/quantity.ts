// Kubernetes resource quantities (`100m`, `1.5`, `512Mi`, `1G`, `2e3`) parsed exactly, so that
// requests and limits become millicores and bytes without floating-point drift (0.1 * 1000 ≠ 100).

/** A quantity as an exact fraction: value = num / den, den > 0. */
interface Fraction {
  num: bigint;
  den: bigint;
}

const QUANTITY_RE = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXPONENT: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

function parseFraction(text: string): Fraction | null {
  const match = QUANTITY_RE.exec(text.trim());
  if (!match) return null;
  const [, sign = '', whole = '', fractional = '', suffix = ''] = match;
  if (whole === '' && fractional === '') return null;
  let num = BigInt(`${whole || '0'}${fractional}`);
  let den = 10n ** BigInt(fractional.length);
  if (sign === '-') num = -num;
  if (suffix in BINARY) {
    num *= BINARY[suffix]!;
  } else {
    const exponent = suffix === '' ? 0 : (DECIMAL_EXPONENT[suffix] ?? Number(suffix.slice(1)));
    // Exponents beyond what a resource can mean are rejected rather than turned into huge BigInts.
    if (!Number.isFinite(exponent) || Math.abs(exponent) > 30) return null;
    if (exponent >= 0) num *= 10n ** BigInt(exponent);
    else den *= 10n ** BigInt(-exponent);
  }
  return { num, den };
}

/** YAML turns `cpu: 0.5` into a number: it goes through its decimal text so that 0.1 stays exact. */
function fractionOf(value: unknown): Fraction | null {
  if (typeof value === 'number') return Number.isFinite(value) ? parseFraction(String(value)) : null;
  return typeof value === 'string' ? parseFraction(value) : null;
}

/** Ceiling of num/den, the rounding Kubernetes uses for Value() and MilliValue(). */
function ceilDiv(num: bigint, den: bigint): bigint {
  const q = num / den;
  return num % den !== 0n && num > 0n ? q + 1n : q;
}

/**
 * Results by quantity text. A cluster's requests and limits are a few dozen distinct texts repeated
 * in every version of every pod, and exact parsing (BigInt) cost more than the rest of a container.
 */
class QuantityCache {
  private readonly results = new Map<string, number | null>();

  constructor(private readonly compute: (f: Fraction) => number) {}

  get(value: unknown): number | null {
    if (typeof value !== 'string') {
      const f = fractionOf(value);
      return f === null ? null : this.compute(f);
    }
    let result = this.results.get(value);
    if (result === undefined) {
      const f = parseFraction(value);
      result = f === null ? null : this.compute(f);
      // Bounded, should a producer send endless distinct texts.
      if (this.results.size >= 4096) this.results.clear();
      this.results.set(value, result);
    }
    return result;
  }
}

const BASE_UNITS = new QuantityCache((f) => Number(ceilDiv(f.num, f.den)));
const THOUSANDTHS = new QuantityCache((f) => Number(ceilDiv(f.num * 1000n, f.den)));

/** The quantity in base units rounded up (bytes for memory, cores for CPU), or null when unreadable. */
export function quantityValue(text: unknown): number | null {
  return BASE_UNITS.get(text);
}

/** The quantity in thousandths rounded up: millicores for CPU. Null when unreadable. */
export function quantityMilli(text: unknown): number | null {
  return THOUSANDTHS.get(text);
}
