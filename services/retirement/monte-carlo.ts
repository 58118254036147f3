/**
 * Monte Carlo method: annual portfolio returns drawn from a normal distribution whose mean and
 * standard deviation follow from the allocation and the capital-market assumptions (see
 * assumptions.ts), deflated by a constant inflation rate, and run through the shared cash-flow
 * engine. Seeded (sfc32 with a ziggurat normal) so the same inputs and seed give the same
 * numbers on every machine.
 */
import * as z from 'zod';
import { InvalidInputError } from '#events/errors.ts';
import { ASSET_CLASSES } from '#events/values.ts';
import {
  type CapitalMarketAssumptions,
  defaultCapitalMarketAssumptions,
  portfolioMoments,
  validateCapitalMarketAssumptions,
} from './assumptions.ts';
import {
  type GrowthSource,
  type RetirementPlan,
  resolvePlan,
  runPaths,
  type SimulationResult,
  weightsByAssetClass,
} from './engine.ts';
import type { SharedDraws } from './market-paths.ts';

export const DEFAULT_PATHS = 10_000;
export const DEFAULT_SEED = 20_250_101;

export interface MonteCarloOptions extends RetirementPlan {
  /** Number of simulated paths; 10,000 unless given. */
  paths?: number;
  /** Unsigned 32-bit seed; DEFAULT_SEED unless given. */
  seed?: number;
  /** Capital-market assumptions; defaultCapitalMarketAssumptions() unless given. */
  market?: CapitalMarketAssumptions;
  /** A projection's draws, shared with its planning view; drawn here when absent or of another size. */
  draws?: SharedDraws;
}

const RunSchema = z.object({
  paths: z.number().int().min(1).max(1_000_000).default(DEFAULT_PATHS),
  seed: z.number().int().min(0).max(0xffff_ffff, 'must be an unsigned 32-bit integer').default(DEFAULT_SEED),
});

export function simulateMonteCarlo(options: MonteCarloOptions): SimulationResult {
  const plan = resolvePlan(options);
  const { paths, seed } = InvalidInputError.parse(RunSchema, { paths: options.paths, seed: options.seed }, 'options');
  const market = options.market ? validateCapitalMarketAssumptions(options.market) : defaultCapitalMarketAssumptions();
  const portfolio = portfolioMoments(plan.weights, market, plan.singleStocks);

  // Real growth factor = (1 + r) / (1 + inflation) with r ~ N(μ, σ): an affine map of one draw.
  const base = (1 + portfolio.expectedReturn) / (1 + market.inflation);
  const spread = portfolio.volatility / (1 + market.inflation);
  const drawn = options.draws?.seed === seed && options.draws.paths === paths ? options.draws : undefined;
  const matrix = drawn?.get(plan.weights, plan.singleStocks, market);
  let source: GrowthSource;
  if (matrix && matrix.years >= plan.years) {
    // The same generator, seed and order as below, drawn once for both views.
    source = (year, growth) => growth.set(matrix.growth.subarray(year * paths, (year + 1) * paths));
  } else {
    const normals = new SeededNormal(seed);
    source = (_year, growth) => normals.fill(growth, paths, base, spread, 0);
  }
  const statistics = runPaths(plan, paths, source);

  const weights = weightsByAssetClass(plan.weights);
  const assumptions: Record<string, number | string> = {
    method: 'monte-carlo',
    paths,
    seed,
    random: 'sfc32 generator, ziggurat normal (Marsaglia–Tsang); one normal draw per path and year, year by year',
    returnModel: 'annual nominal portfolio return ~ Normal(w·μ, √(wᵀΣw)), floored at −100%; rebalanced yearly',
    marketAssumptionsSource: market.source,
    inflation: market.inflation,
    portfolioExpectedReturn: portfolio.expectedReturn,
    portfolioVolatility: portfolio.volatility,
    annualFee: plan.annualFee,
  };
  for (const stock of plan.singleStocks) {
    assumptions[`singleStock.${stock.symbol}.fraction`] = stock.fraction;
    assumptions[`singleStock.${stock.symbol}.volatility`] = stock.volatility;
  }
  for (const assetClass of ASSET_CLASSES) {
    assumptions[`expectedReturn.${assetClass}`] = market.assets[assetClass].expectedReturn;
    assumptions[`volatility.${assetClass}`] = market.assets[assetClass].volatility;
  }
  ASSET_CLASSES.forEach((a, i) => {
    for (const b of ASSET_CLASSES.slice(i + 1)) {
      if (weights[a] > 0 && weights[b] > 0) assumptions[`correlation.${a}.${b}`] = market.correlation[a][b];
    }
  });
  assumptions['correlation.equity.fixed_income'] = market.correlation.equity.fixed_income;
  return { method: 'monte-carlo', ...statistics, assumptions };
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, 32-bit, from PractRand) seeded through
 * splitmix32, turned into standard normals by the ziggurat method (Marsaglia & Tsang 2000,
 * 128 layers). Most draws cost one 32-bit integer, a table look-up and a multiply; Box–Muller or
 * the polar method would spend a logarithm on every pair, which alone took ~10 ms of the 25 ms
 * budget for 600,000 draws. Following Doornik (2005), the layer index (low 7 bits) and the
 * value (high 25 bits) come from disjoint bits of the integer, so they are independent.
 */
const LAYERS = 128;
const TAIL_START = 3.442619855899;
const LAYER_AREA = 9.91256303526217e-3;
const VALUE_SCALE = 2 ** 24; // |value bits| < 2^24
const [ZIG_K, ZIG_W, ZIG_F] = zigguratTables();

function zigguratTables(): [Int32Array, Float64Array, Float64Array] {
  const k = new Int32Array(LAYERS);
  const w = new Float64Array(LAYERS);
  const f = new Float64Array(LAYERS);
  let dn = TAIL_START;
  let tn = dn;
  const q = LAYER_AREA / Math.exp(-0.5 * dn * dn);
  k[0] = Math.floor((dn / q) * VALUE_SCALE);
  k[1] = 0;
  w[0] = q / VALUE_SCALE;
  w[LAYERS - 1] = dn / VALUE_SCALE;
  f[0] = 1;
  f[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(LAYER_AREA / dn + Math.exp(-0.5 * dn * dn)));
    k[i + 1] = Math.floor((dn / tn) * VALUE_SCALE);
    tn = dn;
    f[i] = Math.exp(-0.5 * dn * dn);
    w[i] = dn / VALUE_SCALE;
  }
  return [k, w, f];
}

export class SeededNormal {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix32 = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) | 0;
    };
    this.a = splitmix32();
    this.b = splitmix32();
    this.c = splitmix32();
    this.d = splitmix32();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A signed 32-bit integer from sfc32. */
  nextInt32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0;
    return t;
  }

  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** Uniform on the open interval (0, 1). */
  nextUniform(): number {
    return ((this.nextInt32() >>> 0) + 0.5) * 2.3283064365386963e-10;
  }

  /** A standard normal draw. */
  next(): number {
    const out = new Float64Array(1);
    this.fill(out, 1, 0, 1);
    return out[0]!;
  }

  /** out[i] = max(floor, base + spread · z_i) for i < n, z_i standard normal. */
  fill(out: Float64Array, n: number, base: number, spread: number, floor = Number.NEGATIVE_INFINITY): void {
    // The fast path keeps the generator in locals; the rare slow path goes through the fields.
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    for (let i = 0; i < n; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      const layer = t & (LAYERS - 1);
      const value = t >> 7;
      // Math.abs and a store on each branch keep V8 on integer and double fast paths; a
      // `value < 0 ? -value : value` here made the whole loop twice as slow.
      if (Math.abs(value) < ZIG_K[layer]!) {
        const x = base + spread * value * ZIG_W[layer]!;
        out[i] = x > floor ? x : floor;
      } else {
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
        const x = base + spread * this.slowNormal(value, layer);
        out[i] = x > floor ? x : floor;
        a = this.a;
        b = this.b;
        c = this.c;
        d = this.d;
      }
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** The ziggurat's wedges and tail (about 1.2% of draws). */
  private slowNormal(value: number, layer: number): number {
    for (;;) {
      const x = value * ZIG_W[layer]!;
      if (layer === 0) {
        // Marsaglia's tail method beyond TAIL_START.
        let tail: number;
        let y: number;
        do {
          tail = -Math.log(this.nextUniform()) / TAIL_START;
          y = -Math.log(this.nextUniform());
        } while (y + y < tail * tail);
        return value > 0 ? TAIL_START + tail : -TAIL_START - tail;
      }
      if (ZIG_F[layer]! + this.nextUniform() * (ZIG_F[layer - 1]! - ZIG_F[layer]!) < Math.exp(-0.5 * x * x)) return x;
      const t = this.nextInt32();
      layer = t & (LAYERS - 1);
      value = t >> 7;
      if (Math.abs(value) < ZIG_K[layer]!) return value * ZIG_W[layer]!;
    }
  }
}
