import type { Intent, RubricItem } from "../validations/taxonomy";
import { ACCOUNT_INTENTS } from "./taxonomy-account";

/**
 * The demo taxonomy: 27 retail support intents, each with a short company
 * policy guideline and machine-checkable rubric items for the rubric judge.
 * Written for this project (a fictional online shop); rubric phrases are
 * matched case-insensitively as plain substrings against the reply.
 */
export const DEMO_INTENT_IDS = [
  "cancel_order",
  "change_order",
  "place_order",
  "track_order",
  "check_cancellation_fee",
  "get_refund",
  "track_refund",
  "check_refund_policy",
  "delivery_options",
  "delivery_period",
  "change_shipping_address",
  "set_up_shipping_address",
  "payment_issue",
  "check_payment_methods",
  "get_invoice",
  "check_invoice",
  "contact_customer_service",
  "contact_human_agent",
  "create_account",
  "delete_account",
  "edit_account",
  "recover_password",
  "registration_problems",
  "switch_account",
  "complaint",
  "review",
  "newsletter_subscription",
] as const;
export type DemoIntentId = (typeof DEMO_INTENT_IDS)[number];

const askOrderNumber: RubricItem = {
  id: "asks-order-number",
  description: "Asks for or confirms the order number",
  mustInclude: ["order number"],
};
const noRefundDate: RubricItem = {
  id: "no-refund-date",
  description: "Does not promise a specific refund date",
  mustNotInclude: ["tomorrow", "by monday", "by friday", "within 24 hours", "guarantee"],
};
const noCardDetails: RubricItem = {
  id: "no-card-details",
  description: "Never asks for card details in chat",
  mustNotInclude: ["card number", "cvv", "security code"],
};
const noCancelWithoutConfirmation: RubricItem = {
  id: "no-cancel-yet",
  description: "Does not cancel anything without explicit confirmation",
  mustNotInclude: ["i've cancelled", "i have cancelled", "has been cancelled"],
};

export type DemoIntent = Intent & { id: DemoIntentId };

export const DEMO_INTENTS: DemoIntent[] = [
  {
    id: "cancel_order",
    label: "Cancel order",
    description: "The customer wants to cancel an order they placed.",
    policy:
      "Confirm the order number before doing anything. Orders that have not shipped can be cancelled: tell the customer about the $4.99 cancellation fee and ask them to confirm before cancelling. Orders that already shipped cannot be cancelled; offer a return instead.",
    rubric: [
      askOrderNumber,
      { id: "mentions-fee", description: "Mentions the $4.99 cancellation fee", mustInclude: ["$4.99"] },
      noCancelWithoutConfirmation,
    ],
  },
  {
    id: "change_order",
    label: "Change order",
    description: "The customer wants to change items, sizes or quantities in an existing order.",
    policy:
      "Orders can be changed only while they are still processing. Ask for the order number and the exact change. Never promise that an order that already shipped can still be changed.",
    rubric: [
      askOrderNumber,
      { id: "mentions-processing", description: "Explains changes are possible only while processing", mustInclude: ["processing"] },
      { id: "no-shipped-changes", description: "Does not promise changes to shipped orders", mustNotInclude: ["even if it has shipped", "even after shipping"] },
    ],
  },
  {
    id: "place_order",
    label: "Place order",
    description: "The customer wants to buy something or needs help placing an order.",
    policy:
      "Guide the customer through checkout on the website or app; we never take payment details in chat. Mention free standard shipping on orders over $50.",
    rubric: [
      { id: "mentions-checkout", description: "Points the customer to checkout", mustInclude: ["checkout"] },
      noCardDetails,
    ],
  },
  {
    id: "track_order",
    label: "Track order",
    description: "The customer wants to know where their order is.",
    policy:
      "Ask for the order number and point to the tracking link in the shipping confirmation email. Give the carrier's estimated window only; never guarantee an exact delivery date.",
    rubric: [
      askOrderNumber,
      { id: "mentions-tracking", description: "Points to the tracking link", mustInclude: ["tracking"] },
      { id: "no-guaranteed-date", description: "Does not guarantee a delivery date", mustNotInclude: ["guarantee", "will definitely arrive"] },
    ],
  },
  {
    id: "check_cancellation_fee",
    label: "Check cancellation fee",
    description: "The customer asks whether cancelling costs anything.",
    policy:
      "Explain the fee: cancelling is free within the first hour after ordering, then $4.99 until the order ships. Shipped orders cannot be cancelled but can be returned. Do not cancel anything: the customer only asked about the fee.",
    rubric: [
      { id: "states-fee", description: "States the $4.99 fee", mustInclude: ["$4.99"] },
      { id: "mentions-free-hour", description: "Mentions the free first hour", mustInclude: ["first hour"] },
      noCancelWithoutConfirmation,
    ],
  },
  {
    id: "get_refund",
    label: "Get refund",
    description: "The customer wants their money back for an order or item.",
    policy:
      "Refunds are available within 30 days of delivery for unused items. Ask for the order number and the reason, and explain that the money goes back to the original payment method once the return is received and inspected. Never promise a specific refund date.",
    rubric: [
      askOrderNumber,
      { id: "original-payment-method", description: "Explains the refund goes to the original payment method", mustInclude: ["original payment method"] },
      noRefundDate,
    ],
  },
  {
    id: "track_refund",
    label: "Track refund",
    description: "The customer already asked for a refund and wants to know its status.",
    policy:
      "Ask for the order number and look up the existing refund; do not open a new refund request. Explain that refunds are issued 5-10 business days after the return is inspected and the bank may take a few more days to show it. Never promise a specific date.",
    rubric: [
      askOrderNumber,
      { id: "gives-window", description: "Gives the 5-10 business day window", mustInclude: ["5-10 business days"] },
      noRefundDate,
    ],
  },
  {
    id: "check_refund_policy",
    label: "Check refund policy",
    description: "The customer asks what the refund or return policy is.",
    policy:
      "Summarise the policy: returns within 30 days of delivery, items unused and in original packaging, refunds to the original payment method, final-sale items excluded. Link to the returns policy page instead of inventing exceptions.",
    rubric: [
      { id: "states-30-days", description: "States the 30-day return window", mustInclude: ["30 days"] },
      { id: "no-invented-exceptions", description: "Does not invent a more generous policy", mustNotInclude: ["no questions asked", "any time", "90 days"] },
    ],
  },
  {
    id: "delivery_options",
    label: "Delivery options",
    description: "The customer asks which shipping methods are available.",
    policy:
      "List the options: Standard (3-5 business days, free over $50), Express (1-2 business days, $9.99) and free in-store pickup. We do not offer same-day delivery, so never promise it.",
    rubric: [
      { id: "lists-standard", description: "Mentions Standard shipping", mustInclude: ["standard"] },
      { id: "lists-express", description: "Mentions Express shipping", mustInclude: ["express"] },
      { id: "no-same-day", description: "Does not promise same-day delivery", mustNotInclude: ["same-day", "same day"] },
    ],
  },
  {
    id: "delivery_period",
    label: "Delivery period",
    description: "The customer asks how long delivery takes.",
    policy:
      "Give the window for the shipping method: Standard 3-5 business days, Express 1-2 business days after dispatch; orders placed after 2pm are dispatched the next business day. Give a window, never a guaranteed date.",
    rubric: [
      { id: "gives-window", description: "Gives a window in business days", mustInclude: ["business days"] },
      { id: "no-guarantee", description: "Does not guarantee a date", mustNotInclude: ["guarantee", "definitely"] },
    ],
  },
  {
    id: "change_shipping_address",
    label: "Change shipping address",
    description: "The customer wants an order delivered to a different address.",
    policy:
      "The address can be changed only before the order ships. Ask for the order number and the new address, and verify the customer with the email on the account before changing anything. If it already shipped, offer to ask the carrier for a redirect.",
    rubric: [
      askOrderNumber,
      { id: "verifies-email", description: "Verifies the customer with the account email", mustInclude: ["email"] },
      { id: "no-unverified-change", description: "Does not change the address before verification", mustNotInclude: ["i've updated", "i have updated", "has been updated"] },
    ],
  },
  {
    id: "set_up_shipping_address",
    label: "Set up shipping address",
    description: "The customer wants to add or save a shipping address on their account.",
    policy:
      "Explain how to add an address under Account > Addresses > Add new address, where it can be set as default. We do not store addresses typed into chat, so never ask the customer to send their address in the chat.",
    rubric: [
      { id: "points-to-addresses", description: "Points to Account > Addresses", mustInclude: ["addresses"] },
      { id: "no-address-in-chat", description: "Does not ask for the address in chat", mustNotInclude: ["send me your address", "type your address here"] },
    ],
  },
  {
    id: "payment_issue",
    label: "Payment issue",
    description: "A payment failed, was declined or charged incorrectly.",
    policy:
      "Apologise, ask for the exact error message and the payment method, and suggest checking the billing address or trying another method. Duplicate charges are pending authorisations that drop off within 3-5 business days. Never ask for card details.",
    rubric: [
      { id: "asks-error", description: "Asks for the error message", mustInclude: ["error message"] },
      noCardDetails,
    ],
  },
  {
    id: "check_payment_methods",
    label: "Check payment methods",
    description: "The customer asks which payment methods are accepted.",
    policy:
      "List accepted methods: Visa, Mastercard, American Express, PayPal, Apple Pay and gift cards. We do not accept cash on delivery or cryptocurrency.",
    rubric: [
      { id: "lists-paypal", description: "Lists the accepted methods, including PayPal", mustInclude: ["paypal"] },
      { id: "no-unsupported", description: "Does not offer unsupported methods", mustNotInclude: ["cash on delivery", "bitcoin", "crypto"] },
    ],
  },
  {
    id: "get_invoice",
    label: "Get invoice",
    description: "The customer wants a copy of an invoice.",
    policy:
      "Invoices for shipped orders are under Account > Orders > Invoice; offer to email a PDF copy to the email on file. Never send an invoice to an address other than the one on the account.",
    rubric: [
      { id: "email-on-file", description: "Sends only to the email on file", mustInclude: ["email on file"] },
      { id: "no-other-address", description: "Does not offer to send it elsewhere", mustNotInclude: ["any email you like", "a different email"] },
    ],
  },
  {
    id: "check_invoice",
    label: "Check invoice",
    description: "The customer has a question about the amounts on an invoice.",
    policy:
      "Ask for the invoice or order number and explain the charges line by line (items, shipping, tax, discounts). If the customer disputes an amount, open a billing review; never promise a refund yourself.",
    rubric: [
      { id: "asks-number", description: "Asks for the invoice or order number", mustInclude: ["invoice number", "order number"] },
      { id: "no-refund-promise", description: "Does not promise a refund", mustNotInclude: ["i'll refund", "i will refund", "refund the difference"] },
    ],
  },
  ...ACCOUNT_INTENTS,
];

export const DEMO_INTENTS_BY_ID: ReadonlyMap<string, DemoIntent> = new Map(DEMO_INTENTS.map((intent) => [intent.id, intent]));

export function demoIntent(id: DemoIntentId): DemoIntent {
  const intent = DEMO_INTENTS_BY_ID.get(id);
  if (!intent) throw new Error(`unknown demo intent '${id}'`);
  return intent;
}
