import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ViewersService } from './viewers.service';

/**
 * The start-up sweep of the viewer counts: a crash between a visit's write and its count (or its
 * count-out) leaves a live's count off; at start-up every running live's count is set back to its
 * active visits, before the app serves.
 */
@Injectable()
export class ViewerCountRepair implements OnApplicationBootstrap {
  private readonly logger = new Logger('ViewerCountRepair');

  constructor(private readonly viewers: ViewersService) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const repaired = await this.viewers.recountViewers();
      if (repaired) this.logger.log({ repaired }, 'viewer counts recounted from the active visits');
    } catch (error) {
      this.logger.error({ err: error }, 'recounting the viewer counts failed');
    }
  }
}
