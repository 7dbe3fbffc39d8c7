import type { Gift } from './schemas/gift.schema';

type CatalogEntry = Omit<Gift, 'active'>;
const cdn = (name: string) => `https://cdn.example.com/gifts/${name}`;

/** The catalog a fresh installation starts with (npm run seed:gifts; also loaded at start when empty). */
export const DEFAULT_GIFT_CATALOG: CatalogEntry[] = [
  { key: 'rose', name: 'Rose', priceCoins: 1, diamondValue: 1, category: 'classic', sortOrder: 10, iconUrl: cdn('rose.png'), animation: { type: 'none', url: null } },
  { key: 'heart', name: 'Heart', priceCoins: 5, diamondValue: 5, category: 'classic', sortOrder: 20, iconUrl: cdn('heart.png'), animation: { type: 'lottie', url: cdn('heart.json') } },
  { key: 'thumbs-up', name: 'Thumbs Up', priceCoins: 10, diamondValue: 10, category: 'classic', sortOrder: 30, iconUrl: cdn('thumbs-up.png'), animation: { type: 'lottie', url: cdn('thumbs-up.json') } },
  { key: 'lollipop', name: 'Lollipop', priceCoins: 20, diamondValue: 20, category: 'classic', sortOrder: 40, iconUrl: cdn('lollipop.png'), animation: { type: 'none', url: null } },
  { key: 'crown', name: 'Crown', priceCoins: 299, diamondValue: 299, category: 'premium', sortOrder: 110, iconUrl: cdn('crown.png'), animation: { type: 'svga', url: cdn('crown.svga') } },
  { key: 'sports-car', name: 'Sports Car', priceCoins: 999, diamondValue: 999, category: 'premium', sortOrder: 120, iconUrl: cdn('sports-car.png'), animation: { type: 'svga', url: cdn('sports-car.svga') } },
  { key: 'castle', name: 'Castle', priceCoins: 4999, diamondValue: 4999, category: 'luxury', sortOrder: 210, iconUrl: cdn('castle.png'), animation: { type: 'svga', url: cdn('castle.svga') } },
  { key: 'rocket', name: 'Rocket', priceCoins: 9999, diamondValue: 9999, category: 'luxury', sortOrder: 220, iconUrl: cdn('rocket.png'), animation: { type: 'svga', url: cdn('rocket.svga') } },
];
