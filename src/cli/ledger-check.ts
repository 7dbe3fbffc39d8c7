/* Verifies the coin economy's books: npm run ledger:check (reads MONGODB_URI). Exits 1 on any difference. */
import mongoose, { Connection } from 'mongoose';
import { Guarded, guardIdsOf, HOLDING_GUARDS } from '../common/guards';

export interface LedgerReport {
  ok: boolean;
  problems: string[];
  totals: {
    coinsDebited: number;
    coinsSettled: number;
    diamondsCredited: number;
    diamondsSettled: number;
    wallets: number;
    pendingGifts: number;
    /** Guards of finished gifts not removed yet (by the next write to their document, or the recovery sweep). */
    guardsAwaitingRemoval: number;
  };
}

type Sums = Map<string, number>;

/**
 * The checks: coins debited for gifts (less refunds) == prices of settled gifts, and a failed gift
 * kept no coin; diamonds credited == diamond values of settled gifts (also per gift, per live
 * against the live's counters, and per sender against the live's leaderboard); every wallet == the sum of its ledger entries; no balance below
 * zero; no guard of a gift that has no record or of a purchase that is finished (see checkGuards); no battle counts
 * more than the gifts sent in its lives during its window, and an ended battle keeps no guard.
 */
export async function checkLedger(connection: Connection): Promise<LedgerReport> {
  const problems: string[] = [];
  const ledger = connection.collection('ledger_entries');
  const gifts = connection.collection('gifts_sent');

  const byGiftRef = async (reason: string): Promise<Sums> =>
    toMap(
      await ledger
        .aggregate<{ _id: string; total: number }>([
          { $match: { reason } },
          { $group: { _id: '$reference', total: { $sum: '$amount' } } },
        ])
        .toArray(),
    );
  const debits = await byGiftRef('gift_sent');
  const credits = await byGiftRef('gift_received');
  const refunds = await byGiftRef('gift_refunded');
  const settled = await gifts.find({ state: 'settled' }, { projection: { coins: 1, diamonds: 1 } }).toArray();
  let coinsSettled = 0;
  let diamondsSettled = 0;
  for (const gift of settled) {
    const ref = `gift:${gift._id.toString()}`;
    coinsSettled += gift.coins;
    diamondsSettled += gift.diamonds;
    if ((debits.get(ref) ?? 0) !== -gift.coins)
      problems.push(`${ref}: debited ${-(debits.get(ref) ?? 0)} coins, price ${gift.coins}`);
    if ((credits.get(ref) ?? 0) !== gift.diamonds)
      problems.push(`${ref}: credited ${credits.get(ref) ?? 0} diamonds, value ${gift.diamonds}`);
    if (refunds.has(`${ref}:refund`)) problems.push(`${ref}: settled, yet refunded`);
  }
  // A failed gift keeps no coin: it was refused before its debit, or refunded after it.
  for (const gift of await gifts.find({ state: 'failed' }, { projection: { _id: 1 } }).toArray()) {
    const ref = `gift:${gift._id.toString()}`;
    const kept = -((debits.get(ref) ?? 0) + (refunds.get(`${ref}:refund`) ?? 0));
    if (kept !== 0) problems.push(`${ref}: failed, yet ${kept} coins kept`);
  }
  const coinsDebited = -sum(debits) - sum(refunds);
  const diamondsCredited = sum(credits);
  if (coinsDebited !== coinsSettled)
    problems.push(`coins debited for gifts (${coinsDebited}) != prices of settled gifts (${coinsSettled})`);
  if (diamondsCredited !== diamondsSettled)
    problems.push(`diamonds credited (${diamondsCredited}) != diamond values of settled gifts (${diamondsSettled})`);

  const entrySums = await ledger
    .aggregate([{ $group: { _id: { userId: '$userId', currency: '$currency' }, total: { $sum: '$amount' } } }])
    .toArray();
  const expected = new Map(entrySums.map((row) => [`${row._id.userId}/${row._id.currency}`, row.total as number]));
  const wallets = await connection
    .collection('wallets')
    .find({}, { projection: { userId: 1, coins: 1, diamonds: 1 } })
    .toArray();
  const seen = new Set<string>();
  for (const wallet of wallets) {
    for (const currency of ['coins', 'diamonds'] as const) {
      const key = `${wallet.userId}/${currency}`;
      seen.add(key);
      if (wallet[currency] < 0) problems.push(`wallet ${wallet.userId}: negative ${currency} (${wallet[currency]})`);
      if (wallet[currency] !== (expected.get(key) ?? 0)) {
        problems.push(
          `wallet ${wallet.userId}: ${currency} ${wallet[currency]} != sum of its entries ${expected.get(key) ?? 0}`,
        );
      }
    }
  }
  for (const key of expected.keys()) if (!seen.has(key)) problems.push(`ledger entries without a wallet: ${key}`);

  const perLive = await gifts
    .aggregate([
      { $match: { state: 'settled' } },
      { $group: { _id: '$liveId', diamonds: { $sum: '$diamonds' }, items: { $sum: '$count' } } },
    ])
    .toArray();
  const lives = await connection
    .collection('live_streams')
    .find({}, { projection: { stats: 1 } })
    .toArray();
  const liveTotals = new Map(perLive.map((row) => [row._id.toString(), row]));
  for (const live of lives) {
    const totals = liveTotals.get(live._id.toString());
    const [diamonds, items] = [totals?.diamonds ?? 0, totals?.items ?? 0];
    if ((live.stats?.diamonds ?? 0) !== diamonds || (live.stats?.giftCount ?? 0) !== items) {
      problems.push(
        `live ${live._id}: counters ${live.stats?.diamonds ?? 0} diamonds / ${live.stats?.giftCount ?? 0} gifts != settled gifts ${diamonds} / ${items}`,
      );
    }
  }
  const guards = await checkGuards(connection);
  problems.push(...(await checkLeaderboards(connection)), ...guards.problems, ...(await checkBattles(connection)));
  const pendingGifts = await gifts.countDocuments({ state: 'pending' });
  return {
    ok: problems.length === 0,
    problems,
    totals: {
      coinsDebited,
      coinsSettled,
      diamondsCredited,
      diamondsSettled,
      wallets: wallets.length,
      pendingGifts,
      guardsAwaitingRemoval: guards.awaitingRemoval,
    },
  };
}

/** Each sender's leaderboard entry in a live == the settled gifts they sent there. */
async function checkLeaderboards(connection: Connection): Promise<string[]> {
  const perSender = await connection
    .collection('gifts_sent')
    .aggregate([
      { $match: { state: 'settled' } },
      {
        $group: {
          _id: { liveId: '$liveId', senderId: '$senderId' },
          diamonds: { $sum: '$diamonds' },
          coins: { $sum: '$coins' },
          giftCount: { $sum: '$count' },
        },
      },
    ])
    .toArray();
  const expected = new Map(perSender.map((row) => [`${row._id.liveId}/${row._id.senderId}`, row]));
  const problems: string[] = [];
  const entries = await connection.collection('gift_senders').find({}).toArray();
  for (const entry of entries) {
    const key = `${entry.liveId}/${entry.senderId}`;
    const want = expected.get(key);
    expected.delete(key);
    const [diamonds, coins, giftCount] = [want?.diamonds ?? 0, want?.coins ?? 0, want?.giftCount ?? 0];
    if (entry.diamonds !== diamonds || entry.coins !== coins || entry.giftCount !== giftCount) {
      problems.push(
        `leaderboard ${key}: ${entry.diamonds} diamonds / ${entry.coins} coins / ${entry.giftCount} gifts != settled gifts ${diamonds} / ${coins} / ${giftCount}`,
      );
    }
  }
  for (const key of expected.keys()) problems.push(`leaderboard ${key}: settled gifts without an entry`);
  return problems;
}

/**
 * Guards name work that exists: a gift's stay until it is finished and then until the next write
 * to their document or the recovery sweep removes them (counted as awaiting removal, not a
 * problem: a finished gift's record guards it from then on); a purchase's until it is cleaned.
 */
async function checkGuards(connection: Connection): Promise<{ problems: string[]; awaitingRemoval: number }> {
  const guarded = (collection: string) =>
    connection.collection<Guarded & Record<string, unknown>>(collection).find(HOLDING_GUARDS).toArray();
  const giftRefs: { where: string; giftId: string }[] = [];
  const problems: string[] = [];
  const purchasesInFlight = new Set(
    (
      await connection
        .collection('purchases')
        .find({ cleaned: false }, { projection: { userId: 1, purchaseRef: 1 } })
        .toArray()
    ).map((p) => `${p.userId}/${p.purchaseRef}`),
  );
  for (const wallet of await guarded('wallets')) {
    for (const ref of guardIdsOf(wallet)) {
      const [kind, id] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)];
      const where = `wallet ${String(wallet.userId)}`;
      if (kind === 'gift') giftRefs.push({ where, giftId: id.replace(/:refund$/, '') });
      else if (!purchasesInFlight.has(`${String(wallet.userId)}/${id}`))
        problems.push(`${where}: guard of finished purchase ${id} left behind`);
    }
  }
  for (const live of await guarded('live_streams'))
    giftRefs.push(...guardIdsOf(live).map((giftId) => ({ where: `live ${String(live._id)}`, giftId })));
  for (const entry of await guarded('gift_senders'))
    giftRefs.push(
      ...guardIdsOf(entry).map((giftId) => ({
        where: `leaderboard ${String(entry.liveId)}/${String(entry.senderId)}`,
        giftId,
      })),
    );
  const ids = [...new Set(giftRefs.map((ref) => ref.giftId))].filter((id) => mongoose.isValidObjectId(id));
  const gifts = await connection
    .collection('gifts_sent')
    .find({ _id: { $in: ids.map((id) => new mongoose.Types.ObjectId(id)) } }, { projection: { state: 1 } })
    .toArray();
  const states = new Map(gifts.map((gift) => [gift._id.toString(), gift.state as string]));
  let awaitingRemoval = 0;
  for (const { where, giftId } of giftRefs) {
    const state = states.get(giftId);
    if (!state) problems.push(`${where}: guard of gift ${giftId}, which has no record`);
    else if (state !== 'pending') awaitingRemoval++;
  }
  return { problems, awaitingRemoval };
}

/**
 * Battles: a side's score is at most the diamonds of its live's gifts recorded in the window that
 * settled (or are still settling: a gift scores before it is marked settled), so no gift counted
 * twice; an ended battle holds no guard (its end drops them); an active one only guards gifts of
 * its own lives (those finished since this instance's last update of the battle wait for the next, or the end).
 */
async function checkBattles(connection: Connection): Promise<string[]> {
  const problems: string[] = [];
  const battles = await connection
    .collection('battles')
    .find({ status: { $in: ['running', 'settling', 'ended'] } }, { projection: { gifters: 0 } })
    .toArray();
  for (const battle of battles) {
    const liveIds: string[] = battle.liveIds.map(String);
    const guards = Object.keys(battle.scored ?? {});
    if (battle.status === 'ended' && guards.length > 0)
      problems.push(`battle ${battle._id}: ended with ${guards.length} guard(s) left`);
    for (const id of guards) {
      const gift = mongoose.isValidObjectId(id)
        ? await connection.collection('gifts_sent').findOne({ _id: new mongoose.Types.ObjectId(id) })
        : null;
      if (!gift || !liveIds.includes(gift.liveId.toString()))
        problems.push(`battle ${battle._id}: guard of gift ${id}, not a gift of its lives`);
    }
    for (const liveId of liveIds) {
      const [row] = await connection
        .collection('gifts_sent')
        .aggregate([
          {
            $match: {
              liveId: new mongoose.Types.ObjectId(liveId),
              state: { $in: ['settled', 'pending'] },
              createdAt: { $gte: battle.startedAt, $lt: battle.endsAt },
            },
          },
          { $group: { _id: null, diamonds: { $sum: '$diamonds' } } },
        ])
        .toArray();
      const score = battle.scores?.[liveId] ?? 0;
      if (score > (row?.diamonds ?? 0))
        problems.push(
          `battle ${battle._id}: ${liveId} scored ${score} > its gifts in the window ${row?.diamonds ?? 0}`,
        );
    }
  }
  return problems;
}

function toMap(rows: { _id: unknown; total: number }[]): Sums {
  return new Map(rows.map((row) => [String(row._id), row.total]));
}

const sum = (map: Sums) => [...map.values()].reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    console.error('Set MONGODB_URI to the database to check (with its name), e.g. mongodb://127.0.0.1:27017/live');
    process.exit(2);
  }
  const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    const report = await checkLedger(connection);
    console.log(JSON.stringify(report, null, 2));
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
