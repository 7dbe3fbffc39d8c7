import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PurchaseRecoverySweeper } from './purchase-recovery.sweeper';
import { LedgerEntry, LedgerEntrySchema } from './schemas/ledger-entry.schema';
import { Purchase, PurchaseSchema } from './schemas/purchase.schema';
import { Wallet, WalletSchema } from './schemas/wallet.schema';
import { WalletController } from './wallet.controller';
import { WalletService } from './wallet.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Wallet.name, schema: WalletSchema },
      { name: LedgerEntry.name, schema: LedgerEntrySchema },
      { name: Purchase.name, schema: PurchaseSchema },
    ]),
  ],
  controllers: [WalletController],
  providers: [WalletService, PurchaseRecoverySweeper],
  exports: [WalletService],
})
export class WalletModule {}
