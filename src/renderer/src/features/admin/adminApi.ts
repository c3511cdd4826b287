/**
 * 系统管理's calls to main: each answer is the data or a refusal (src/shared/desk-admin.ts) the
 * screen words itself; a failure of the contract call (invalid input, lost connection) becomes
 * a refusal too, so the screens have one kind of failure to show.
 */
import type { Method, MethodInput, MethodOutput } from '../../../../shared/contract';
import type { AdminField, AdminRefusal } from '../../../../shared/desk-admin';
import { backend } from '../../api/backend';
import type { Messages } from '../../i18n';

type AdminMethod = Extract<Method, `admin.${string}`>;

export async function adminCall<M extends AdminMethod>(method: M, input: MethodInput<M>): Promise<MethodOutput<M> | AdminRefusal> {
  const res = await backend.invoke(method, input);
  if (res.ok) return res.data;
  const fields = Object.keys(res.error.fields ?? {});
  const field = (['username', 'displayName', 'role', 'password', 'unitCode'] as const).find((f) => fields.includes(f)) ?? null;
  return {
    ok: false,
    code: res.error.code === 'invalid_input' ? 'invalid_request' : 'server_error',
    message: res.error.message,
    field: field as AdminField | null,
  };
}

/** The refusal in the admin's words (the English message stays for IT in a tooltip). */
export const refusalText = (t: Messages, r: AdminRefusal): string => t.admin.refusals[r.code] ?? t.admin.refusals.server_error!;
