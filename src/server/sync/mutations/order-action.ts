/**
 * 'order.action': an action on a work order taken at a workstation (派单, 审核 …), perhaps offline.
 * The server decides each one with the same function as the HTTP route (workorders/service.ts
 * actOnOrders), inside the push transaction, against the order's state at that moment: an
 * action another supervisor made impossible in between (two dispatches of one order) becomes a
 * rejection 'action_refused' with a Chinese and English reason, listed under 同步异常, and the
 * queue moves on. The actor is the account whose credential pushed, never anything in args.
 */
import type { OrderActionArgs } from '../../../shared/sync';
import { actOnOrders } from '../../workorders/service';
import type { MutationHandler, RejectionDraft } from '../mutations';

const iso = (ms: number) => new Date(ms).toISOString();

export const orderAction: MutationHandler<OrderActionArgs> = {
  check(args, { now, config }) {
    if (args.at > now + config.maxClockSkewMs) {
      return `at ${iso(args.at)} is in the future (server time ${iso(now)}): check the workstation's clock`;
    }
    return null;
  },

  async apply(ctx, batch) {
    const results = await actOnOrders(
      ctx.tx,
      ctx.caller,
      batch.map((m) => ({ orderId: m.args.orderId, action: m.args.action, args: m.args.args, clientAt: m.args.at })),
      { now: ctx.now, config: ctx.config.workOrders, versions: ctx.versions },
    );
    const rejections: RejectionDraft[] = [];
    results.forEach((r, i) => {
      const m = batch[i]!;
      if (r.ok) return;
      const reason =
        r.reason === 'refused'
          ? `${r.message.zh} (${r.code}: ${r.message.en})`
          : r.reason === 'not_found'
            ? `工单不存在：${m.args.orderId} (order_not_found: no work order ${m.args.orderId})`
            : '账号已停用，不能操作工单 (account_disabled: this account may not act on orders)';
      rejections.push({ mutationId: m.id, code: 'action_refused', reason });
    });
    return rejections;
  },
};
