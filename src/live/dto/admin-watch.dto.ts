/** admin:watch carries nothing: an empty object (validated like every payload, so nothing else gets in). */
export class AdminWatchDto {}
