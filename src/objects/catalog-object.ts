/** CatalogObject: one per tenant, the names of its queues (src/domain/catalog/catalog-store.ts). */
import { DurableObject } from "cloudflare:workers";
import {
  type CatalogEntry,
  CatalogStore,
  type ListPage,
  type ListQuery,
  type Registration,
} from "../domain/catalog/catalog-store";
import { CATALOG_MIGRATIONS } from "../domain/catalog/schema";
import { attempt, type Outcome } from "../domain/outcome";
import type { RequestStamp } from "../domain/replay-guard";
import { migrate } from "../domain/sql";
import { AlarmSchedule } from "./alarm-schedule";
import { durableSql } from "./sql-adapter";

export class CatalogObject extends DurableObject<Env> {
  private readonly store: CatalogStore;
  private readonly alarms: AlarmSchedule;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = durableSql(ctx.storage);
    this.store = new CatalogStore(sql);
    this.alarms = new AlarmSchedule(ctx.storage, this.store);
    void ctx.blockConcurrencyWhile(async () => {
      migrate(sql, CATALOG_MIGRATIONS);
      await this.alarms.load();
    });
  }

  async registerQueue(entry: CatalogEntry, stamp?: RequestStamp): Promise<Outcome<Registration>> {
    return this.alarms.afterChange(
      attempt(() => this.store.registerQueue(entry, Date.now(), stamp)),
    );
  }

  async admit(stamp?: RequestStamp): Promise<Outcome<void>> {
    return this.alarms.afterChange(attempt(() => this.store.admit(stamp)));
  }

  async unregisterQueue(name: string): Promise<boolean> {
    return this.store.unregisterQueue(name);
  }

  async listQueues(query: ListQuery, stamp?: RequestStamp): Promise<Outcome<ListPage>> {
    return this.alarms.afterChange(attempt(() => this.store.listQueues(query, stamp)));
  }

  override async alarm(): Promise<void> {
    await this.alarms.run();
  }
}
