/** Intake form values for tests: a distinct, valid case each call (kept light: child processes import it). */
import type { IntakeInput } from '../../../src/shared/schemas';

let phoneSeq = 0;
export function intakeInput(i = ++phoneSeq): IntakeInput {
  return {
    phone: `1390537${String(i % 10_000).padStart(4, '0')}`,
    callerName: i % 3 === 0 ? '' : '李女士',
    channel: 'hotline',
    requestType: 'complaint',
    categoryCode: 'C0201',
    regionCode: '370811001',
    address: '任城区古槐街道阳光花园3号楼',
    content: `第${i}次反映小区供暖不热，室温只有十四度`,
    urgency: 'normal',
    handlingMode: 'dispatch',
    answer: '',
    confidential: false,
  };
}
