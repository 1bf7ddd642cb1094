import type { Message } from "../validations/record";
import { Random, WeightedPicker } from "./random";
import { ACCOUNT_TEMPLATES } from "./templates-account";
import { BILLING_TEMPLATES } from "./templates-billing";
import { ORDER_TEMPLATES } from "./templates-orders";
import { DEMO_INTENT_IDS, type DemoIntentId } from "./taxonomy";

/** How a customer message is worded; becomes a case tag. */
export type Register = "polite" | "neutral" | "colloquial" | "angry" | "keyword";
export type MessageTemplate = readonly [Register, string];

export const MESSAGE_TEMPLATES = {
  ...ORDER_TEMPLATES,
  ...BILLING_TEMPLATES,
  ...ACCOUNT_TEMPLATES,
} satisfies Record<DemoIntentId, readonly MessageTemplate[]>;

/** Relative case frequency: tracking and refunds are asked about more than newsletters. */
export const INTENT_WEIGHTS: Record<DemoIntentId, number> = {
  cancel_order: 2,
  change_order: 1.5,
  place_order: 1,
  track_order: 3,
  check_cancellation_fee: 1,
  get_refund: 2,
  track_refund: 2,
  check_refund_policy: 1,
  delivery_options: 1,
  delivery_period: 1.5,
  change_shipping_address: 1.2,
  set_up_shipping_address: 0.8,
  payment_issue: 1.5,
  check_payment_methods: 0.8,
  get_invoice: 1,
  check_invoice: 0.8,
  contact_customer_service: 1,
  contact_human_agent: 1.5,
  create_account: 0.8,
  delete_account: 0.7,
  edit_account: 1,
  recover_password: 1.5,
  registration_problems: 0.8,
  switch_account: 0.6,
  complaint: 1.5,
  review: 0.7,
  newsletter_subscription: 0.6,
};

export const INTENT_PICKER = new WeightedPicker<DemoIntentId>(DEMO_INTENT_IDS.map((id) => [id, INTENT_WEIGHTS[id]]));

/** Probability that a message gets typos, and that a case starts with a greeting turn. */
export const TYPO_RATE = 0.18;
export const MULTI_TURN_RATE = 0.08;

const PRODUCTS = [
  "wireless earbuds", "running shoes", "coffee grinder", "rain jacket", "desk lamp", "yoga mat",
  "cast iron pan", "phone case", "backpack", "wool scarf", "bluetooth speaker", "kettle",
  "office chair", "water bottle", "hiking boots", "throw blanket", "smart watch", "chef's knife",
  "denim jacket", "air fryer", "bed sheets", "sunglasses", "gaming mouse", "plant pot",
] as const;
const NAMES = [
  "Maria", "James", "Aisha", "Tom", "Priya", "Lukas", "Chen", "Sofia", "David", "Fatima", "Olivia",
  "Mateo", "Hannah", "Kwame", "Yuki", "Daniel", "Elena", "Omar", "Grace", "Ravi", "Chloe", "Ben",
] as const;
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
const STREETS = ["Maple Avenue", "Harbour Road", "Elm Street", "Station Lane", "Park Crescent", "Mill Road"] as const;
const PAYMENTS = ["Visa card", "Mastercard", "PayPal", "Amex card", "Apple Pay", "debit card"] as const;
const ORDER_LETTERS = "ABCDEFGH";
const CHANNELS = new WeightedPicker<string>([["chat", 7], ["email", 2], ["app", 1]]);
const OPENERS = ["hi", "Hello?", "hey there", "Hi, I need some help", "good morning"] as const;
const ASSISTANT_GREETINGS = [
  "Hi! How can I help you today?",
  "Hello, thanks for getting in touch. What can I do for you?",
] as const;

export type CustomerMessage = {
  messages: Message[];
  tags: string[];
  register: Register;
  typo: boolean;
  multiTurn: boolean;
  /** The order number the customer mentioned, if any. */
  order: string | null;
  /** The name the customer signed with, if any. */
  name: string | null;
  channel: string;
};

type Slots = { order: string; product: string; name: string; day: string; address: string; amount: string; payment: string; email: string };

function drawSlots(random: Random): Slots {
  const name = random.pick(NAMES);
  return {
    order: `#${ORDER_LETTERS[random.int(ORDER_LETTERS.length)]}${random.range(10000, 99999)}`,
    product: random.pick(PRODUCTS),
    name,
    day: random.pick(DAYS),
    address: `${random.range(2, 180)} ${random.pick(STREETS)}`,
    amount: `$${random.range(12, 260)}.${random.pick(["00", "49", "90", "99"])}`,
    payment: random.pick(PAYMENTS),
    email: `${name.toLowerCase()}.${String.fromCharCode(97 + random.int(26))}@example.com`,
  };
}

function fill(template: string, slots: Slots): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => (key in slots ? slots[key as keyof Slots] : match));
}

const TYPO_WORD = /^[A-Za-z']{4,}$/;

/** Misspells one word: swaps two neighbouring letters, drops one or doubles one. */
function misspell(word: string, random: Random): string {
  const i = 1 + random.int(word.length - 2);
  const op = random.int(3);
  const a = word[i] as string;
  const b = word[i + 1] as string;
  if (op === 0 && a !== b) return word.slice(0, i) + b + a + word.slice(i + 2);
  if (op === 1) return word.slice(0, i) + a + word.slice(i);
  return word.slice(0, i) + word.slice(i + 1);
}

/**
 * Adds one or two deterministic typos to words of at least four letters
 * (never to order numbers, amounts or email addresses), sometimes lower-casing
 * the whole message as hurried typists do. Returns the text unchanged if no
 * word qualifies.
 */
export function addTypos(text: string, random: Random): string {
  const words = text.split(" ");
  const eligible: number[] = [];
  words.forEach((word, index) => {
    if (TYPO_WORD.test(word.replace(/[,.!?]+$/, ""))) eligible.push(index);
  });
  if (eligible.length === 0) return text;
  const edits = random.chance(0.35) ? 2 : 1;
  for (let n = 0; n < edits; n += 1) {
    const index = eligible[random.int(eligible.length)] as number;
    const word = words[index] as string;
    const core = word.replace(/[,.!?]+$/, "");
    words[index] = misspell(core, random) + word.slice(core.length);
  }
  const result = words.join(" ");
  return random.chance(0.3) ? result.toLowerCase() : result;
}

/** Builds the customer side of a case for an intent, from seeded choices. */
export function buildCustomerMessage(intent: DemoIntentId, random: Random): CustomerMessage {
  const [register, template] = random.pick<MessageTemplate>(MESSAGE_TEMPLATES[intent]);
  const slots = drawSlots(random);
  let content = fill(template, slots);
  let typo = false;
  if (random.chance(TYPO_RATE)) {
    const misspelt = addTypos(content, random);
    typo = misspelt !== content;
    content = misspelt;
  }
  const multiTurn = random.chance(MULTI_TURN_RATE);
  const channel = CHANNELS.pick(random);

  const messages: Message[] = multiTurn
    ? [
        { role: "user", content: random.pick(OPENERS) },
        { role: "assistant", content: random.pick(ASSISTANT_GREETINGS) },
        { role: "user", content },
      ]
    : [{ role: "user", content }];
  const tags: string[] = [register];
  if (typo) tags.push("typo");
  if (multiTurn) tags.push("multi-turn");
  return {
    messages,
    tags,
    register,
    typo,
    multiTurn,
    order: template.includes("{order}") ? slots.order : null,
    name: template.includes("{name}") ? slots.name : null,
    channel,
  };
}
