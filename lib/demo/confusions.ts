import { MESSAGE_TEMPLATES, INTENT_WEIGHTS, TYPO_RATE, type Register } from "./messages";
import { WeightedPicker } from "./random";
import { DEMO_INTENT_IDS, type DemoIntentId } from "./taxonomy";

/**
 * Which intents a model mistakes an intent for, with relative weights: the
 * realistic confusions are between neighbouring intents.
 */
export const CONFUSIONS: Record<DemoIntentId, readonly (readonly [DemoIntentId, number])[]> = {
  cancel_order: [["check_cancellation_fee", 3], ["change_order", 1], ["get_refund", 1]],
  change_order: [["cancel_order", 2], ["change_shipping_address", 2], ["place_order", 1]],
  place_order: [["change_order", 2], ["check_payment_methods", 1], ["delivery_options", 1]],
  track_order: [["delivery_period", 3], ["track_refund", 1], ["change_order", 1]],
  check_cancellation_fee: [["cancel_order", 3], ["check_refund_policy", 1]],
  get_refund: [["track_refund", 3], ["check_refund_policy", 2], ["cancel_order", 1]],
  track_refund: [["get_refund", 3], ["track_order", 1]],
  check_refund_policy: [["get_refund", 3], ["check_cancellation_fee", 1]],
  delivery_options: [["delivery_period", 3], ["set_up_shipping_address", 1]],
  delivery_period: [["track_order", 3], ["delivery_options", 2]],
  change_shipping_address: [["set_up_shipping_address", 3], ["change_order", 1]],
  set_up_shipping_address: [["change_shipping_address", 3], ["edit_account", 1]],
  payment_issue: [["check_payment_methods", 2], ["check_invoice", 1], ["complaint", 1]],
  check_payment_methods: [["payment_issue", 2], ["place_order", 1]],
  get_invoice: [["check_invoice", 3]],
  check_invoice: [["get_invoice", 3], ["payment_issue", 1]],
  contact_customer_service: [["contact_human_agent", 4], ["complaint", 1]],
  contact_human_agent: [["contact_customer_service", 4], ["complaint", 1]],
  create_account: [["registration_problems", 3], ["switch_account", 1]],
  delete_account: [["edit_account", 2], ["newsletter_subscription", 1]],
  edit_account: [["switch_account", 3], ["recover_password", 1], ["set_up_shipping_address", 1]],
  recover_password: [["registration_problems", 2], ["edit_account", 1], ["switch_account", 1]],
  registration_problems: [["create_account", 3], ["recover_password", 1]],
  switch_account: [["edit_account", 3], ["create_account", 1]],
  complaint: [["review", 2], ["contact_human_agent", 2]],
  review: [["complaint", 3]],
  newsletter_subscription: [["edit_account", 2], ["delete_account", 1]],
};

export const CONFUSION_PICKERS = Object.fromEntries(
  DEMO_INTENT_IDS.map((id) => [id, new WeightedPicker(CONFUSIONS[id])]),
) as Record<DemoIntentId, WeightedPicker<DemoIntentId>>;

/** How easily an intent is misread (1 = average). */
const INTENT_DIFFICULTY: Partial<Record<DemoIntentId, number>> = {
  contact_customer_service: 2,
  get_refund: 1.8,
  contact_human_agent: 1.6,
  track_refund: 1.6,
  check_cancellation_fee: 1.6,
  cancel_order: 1.5,
  delivery_options: 1.5,
  delivery_period: 1.5,
  switch_account: 1.5,
  edit_account: 1.4,
  check_invoice: 1.3,
  set_up_shipping_address: 1.3,
  get_invoice: 1.2,
  change_shipping_address: 1.2,
  check_refund_policy: 1.2,
  place_order: 0.7,
  track_order: 0.6,
  payment_issue: 0.8,
  check_payment_methods: 0.8,
  create_account: 0.8,
  review: 0.8,
  recover_password: 0.5,
  delete_account: 0.5,
  newsletter_subscription: 0.4,
};
const REGISTER_DIFFICULTY: Record<Register, number> = { polite: 0.8, neutral: 0.9, colloquial: 1.2, angry: 1.1, keyword: 1.3 };
const TYPO_DIFFICULTY = 1.5;

/** How often a reply to an intent slips on policy (1 = average). */
const POLICY_RISK: Partial<Record<DemoIntentId, number>> = {
  cancel_order: 1.8,
  get_refund: 1.6,
  track_refund: 1.5,
  track_order: 1.3,
  delivery_period: 1.3,
  complaint: 1.3,
  check_cancellation_fee: 1.2,
  change_shipping_address: 1.2,
};

/** Raw difficulty of a case; `sharpness` > 1 concentrates errors on the hardest cases. */
export function caseDifficulty(intent: DemoIntentId, register: Register, typo: boolean, sharpness: number): number {
  const raw = (INTENT_DIFFICULTY[intent] ?? 1) * REGISTER_DIFFICULTY[register] * (typo ? TYPO_DIFFICULTY : 1);
  return raw ** sharpness;
}

export function policyRisk(intent: DemoIntentId): number {
  return POLICY_RISK[intent] ?? 0.85;
}

const totalWeight = DEMO_INTENT_IDS.reduce((sum, id) => sum + INTENT_WEIGHTS[id], 0);

/** Expected case difficulty over the generated case mix, to turn target rates into per-case probabilities. */
export function meanCaseDifficulty(sharpness: number): number {
  let sum = 0;
  for (const id of DEMO_INTENT_IDS) {
    const templates = MESSAGE_TEMPLATES[id];
    let perIntent = 0;
    for (const [register] of templates) {
      perIntent +=
        (1 - TYPO_RATE) * caseDifficulty(id, register, false, sharpness) + TYPO_RATE * caseDifficulty(id, register, true, sharpness);
    }
    sum += (INTENT_WEIGHTS[id] / totalWeight) * (perIntent / templates.length);
  }
  return sum;
}

export function meanPolicyRisk(): number {
  return DEMO_INTENT_IDS.reduce((sum, id) => sum + (INTENT_WEIGHTS[id] / totalWeight) * policyRisk(id), 0);
}
