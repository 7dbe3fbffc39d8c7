import { ApiProperty } from '@nestjs/swagger';
import { CURRENCIES, Currency, LEDGER_REASONS, LedgerEntry, LedgerReason } from '../schemas/ledger-entry.schema';

export class LedgerEntryView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a80' }) id!: string;
  @ApiProperty({ enum: CURRENCIES, example: 'coins' }) currency!: Currency;
  @ApiProperty({ type: 'integer', example: -99, description: 'Signed: negative for a debit' }) amount!: number;
  @ApiProperty({
    example: 501,
    nullable: true,
    type: 'integer',
    description: 'null only for an entry booked by crash recovery',
  })
  balanceAfter!: number | null;
  @ApiProperty({ enum: LEDGER_REASONS, example: 'gift_sent' }) reason!: LedgerReason;
  @ApiProperty({ example: 'gift:665f1c2e8a1b2c3d4e5f6a7f' }) reference!: string;
  @ApiProperty({ example: '2026-11-24T20:05:00.000Z' }) createdAt!: string;
}

export class WalletView {
  @ApiProperty({ example: 'alice' }) userId!: string;
  @ApiProperty({ type: 'integer', example: 501, description: 'Coins to spend on gifts' }) coins!: number;
  @ApiProperty({ type: 'integer', example: 1200, description: 'Diamonds earned from gifts received' })
  diamonds!: number;
  @ApiProperty({ type: [LedgerEntryView], description: 'The latest movements, newest first' })
  recentEntries!: LedgerEntryView[];
}

export function toLedgerEntryView(entry: LedgerEntry & { _id: { toString(): string } }): LedgerEntryView {
  return {
    id: entry._id.toString(),
    currency: entry.currency,
    amount: entry.amount,
    balanceAfter: entry.balanceAfter ?? null,
    reason: entry.reason,
    reference: entry.reference,
    createdAt: entry.createdAt.toISOString(),
  };
}
