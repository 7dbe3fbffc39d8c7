/* Loads the default gift catalog (idempotent upsert by key): npm run seed:gifts (reads MONGODB_URI). */
import mongoose from 'mongoose';
import { seedGiftCatalog } from '../gifts/gift-catalog.service';
import { Gift, GiftSchema } from '../gifts/schemas/gift.schema';

async function main(): Promise<void> {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    console.error(
      'Set MONGODB_URI to the database to seed (with its name). The app itself seeds an empty catalog at start.',
    );
    process.exit(2);
  }
  const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    const created = await seedGiftCatalog(connection.model(Gift.name, GiftSchema));
    console.log(`gift catalog seeded: ${created} created, existing gifts kept as they are`);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
