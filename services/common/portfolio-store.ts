/**
 * Portfolios and instrument classifications in PostgreSQL, through the storage port, so the
 * same SQL runs on Aurora (Data API) and PGlite.
 */
import type { Classification, Goals } from '#events/values.ts';
import type { PortfolioFile } from './portfolio-file.ts';
import { json, type SqlDatabase, type SqlExecutor } from './sql-database.ts';

export interface StoredPortfolio {
  user: { id: string; name: string; birthYear: number };
  goals: Goals;
  accounts: Array<{ id: string; name: string; type: string; cash: number }>;
  positions: Array<{ accountId: string; symbol: string; name: string | null; quantity: number; price: number | null }>;
}

/** Replaces the user's accounts and positions with the file's, in one transaction. */
export async function savePortfolio(db: SqlDatabase, file: PortfolioFile): Promise<void> {
  await db.transaction(async (tx) => {
    const userId = file.user.id;
    await tx.query(
      `INSERT INTO users (id, name, birth_year, goals) VALUES (:id, :name, :birthYear, :goals)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, birth_year = EXCLUDED.birth_year,
         goals = EXCLUDED.goals, updated_at = now()`,
      { id: userId, name: file.user.name, birthYear: file.user.birthYear, goals: json(file.goals) },
    );
    await tx.query('DELETE FROM positions WHERE user_id = :userId', { userId });
    await tx.query('DELETE FROM accounts WHERE user_id = :userId', { userId });
    for (const account of file.accounts) {
      await tx.query(
        'INSERT INTO accounts (user_id, id, name, type, cash) VALUES (:userId, :id, :name, :type, :cash)',
        { userId, id: account.id, name: account.name, type: account.type, cash: account.cash },
      );
    }
    for (const position of file.positions) {
      await tx.query(
        `INSERT INTO positions (user_id, account_id, symbol, name, quantity, price)
         VALUES (:userId, :accountId, :symbol, :name, :quantity, :price)`,
        {
          userId,
          accountId: position.account,
          symbol: position.symbol,
          name: position.name ?? null,
          quantity: position.quantity,
          price: position.price ?? null,
        },
      );
    }
    for (const instrument of file.instruments) {
      await upsertClassification(tx, { ...instrument, source: 'portfolio' }, { overwrite: 'weaker' });
    }
  });
}

export async function loadPortfolio(db: SqlExecutor, userId: string): Promise<StoredPortfolio | null> {
  const [user] = await db.query<{ id: string; name: string; birth_year: number; goals: Goals }>(
    'SELECT id, name, birth_year, goals FROM users WHERE id = :userId',
    { userId },
  );
  if (!user) return null;
  const accounts = await db.query<{ id: string; name: string; type: string; cash: number }>(
    'SELECT id, name, type, cash FROM accounts WHERE user_id = :userId ORDER BY id',
    { userId },
  );
  const positions = await db.query<{
    account_id: string;
    symbol: string;
    name: string | null;
    quantity: number;
    price: number | null;
  }>(
    'SELECT account_id, symbol, name, quantity, price FROM positions WHERE user_id = :userId ORDER BY account_id, symbol',
    { userId },
  );
  return {
    user: { id: user.id, name: user.name, birthYear: user.birth_year },
    goals: user.goals,
    accounts,
    positions: positions.map((p) => ({
      accountId: p.account_id,
      symbol: p.symbol,
      name: p.name,
      quantity: p.quantity,
      price: p.price,
    })),
  };
}

type ClassificationRow = {
  symbol: string;
  name: string;
  instrument_type: Classification['instrumentType'];
  asset_class: Classification['assetClass'];
  regions: Classification['regions'];
  sectors: Classification['sectors'];
  source: Classification['source'];
  rationale: string;
  sources: string[];
};

export async function loadClassifications(db: SqlExecutor, symbols: readonly string[]): Promise<Classification[]> {
  if (symbols.length === 0) return [];
  const rows = await db.query<ClassificationRow>(
    `SELECT symbol, name, instrument_type, asset_class, regions, sectors, source, rationale, sources
     FROM instruments WHERE symbol IN (SELECT jsonb_array_elements_text(:symbols::jsonb)) ORDER BY symbol`,
    { symbols: json(symbols) },
  );
  return rows.map((row) => ({
    symbol: row.symbol,
    name: row.name,
    instrumentType: row.instrument_type,
    assetClass: row.asset_class,
    regions: row.regions,
    sectors: row.sectors,
    source: row.source,
    rationale: row.rationale,
    sources: row.sources ?? [],
  }));
}

/**
 * Stores a classification. `weaker` overwrites only what is less trustworthy (an unclassified
 * marker or a user-supplied guess), so a replayed or late model answer never replaces
 * reference data.
 */
export async function upsertClassification(
  db: SqlExecutor,
  classification: Classification,
  { overwrite }: { overwrite: 'always' | 'weaker' } = { overwrite: 'weaker' },
): Promise<void> {
  const condition = overwrite === 'always' ? '' : `WHERE instruments.source IN ('unclassified', 'portfolio')`;
  await db.query(
    `INSERT INTO instruments (symbol, name, instrument_type, asset_class, regions, sectors, source, rationale, sources, classified_at)
     VALUES (:symbol, :name, :instrumentType, :assetClass, :regions, :sectors, :source, :rationale, :sources, now())
     ON CONFLICT (symbol) DO UPDATE SET name = EXCLUDED.name, instrument_type = EXCLUDED.instrument_type,
       asset_class = EXCLUDED.asset_class, regions = EXCLUDED.regions, sectors = EXCLUDED.sectors,
       source = EXCLUDED.source, rationale = EXCLUDED.rationale, sources = EXCLUDED.sources,
       classified_at = now(), updated_at = now()
     ${condition}`,
    {
      symbol: classification.symbol,
      name: classification.name,
      instrumentType: classification.instrumentType,
      assetClass: json(classification.assetClass),
      regions: json(classification.regions),
      sectors: json(classification.sectors),
      source: classification.source,
      rationale: classification.rationale,
      sources: json(classification.sources),
    },
  );
}
