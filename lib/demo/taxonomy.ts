import type { Intent, RubricItem } from "../validations/taxonomy";

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

type DemoIntent = Intent & { id: DemoIntentId };

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
  {
    id: "contact_customer_service",
    label: "Contact customer service",
    description: "The customer asks how to reach customer service.",
    policy:
      "Give the support hours (Mon-Fri 8am-8pm ET, Sat 9am-5pm ET) and channels: chat, support@example.com, 1-800-555-0142. Offer to help right here in the chat first.",
    rubric: [
      { id: "gives-hours", description: "Gives the support hours", mustInclude: ["8am-8pm"] },
      { id: "no-wrong-hours", description: "Does not claim round-the-clock support", mustNotInclude: ["24/7", "24 hours a day"] },
    ],
  },
  {
    id: "contact_human_agent",
    label: "Contact human agent",
    description: "The customer wants to talk to a person instead of the assistant.",
    policy:
      "When the customer asks for a person, do not argue or push self-service. Acknowledge, offer the transfer to a human agent and give the current wait estimate. Never pretend to be human.",
    rubric: [
      { id: "offers-transfer", description: "Offers the transfer to a human agent", mustInclude: ["transfer", "connect you"] },
      { id: "not-human", description: "Does not pretend to be human", mustNotInclude: ["i am a human", "i'm a human", "i'm a real person"] },
    ],
  },
  {
    id: "create_account",
    label: "Create account",
    description: "The customer wants to open a new account.",
    policy:
      "Point to Sign up on the website or app: an email address and a password of at least 8 characters are needed, then a verification link arrives by email. Never create the account for the customer or ask for their password.",
    rubric: [
      { id: "points-to-sign-up", description: "Points to Sign up", mustInclude: ["sign up"] },
      { id: "no-password", description: "Never asks for the password", mustNotInclude: ["send me the password", "your password here"] },
    ],
  },
  {
    id: "delete_account",
    label: "Delete account",
    description: "The customer wants to close their account.",
    policy:
      "Explain that deletion is permanent and removes order history and store credit; open orders must be completed first. Verify the customer with the email on file and ask for explicit confirmation; never delete anything in the same reply.",
    rubric: [
      { id: "says-permanent", description: "Explains deletion is permanent", mustInclude: ["permanent"] },
      { id: "no-deletion-yet", description: "Does not delete without confirmation", mustNotInclude: ["i've deleted", "i have deleted", "has been deleted"] },
    ],
  },
  {
    id: "edit_account",
    label: "Edit account",
    description: "The customer wants to change details on their account.",
    policy:
      "Guide the customer to Account > Profile to change name, phone number or preferences; a new email address must be verified by a link. Do not change details on the customer's behalf in chat.",
    rubric: [
      { id: "points-to-profile", description: "Points to Account > Profile", mustInclude: ["profile"] },
      { id: "no-changes-in-chat", description: "Does not change details in chat", mustNotInclude: ["i've changed", "i have changed", "i've updated"] },
    ],
  },
  {
    id: "recover_password",
    label: "Recover password",
    description: "The customer cannot sign in and needs to reset a password.",
    policy:
      "Send the customer to 'Forgot password' on the sign-in page; the reset link goes to the email on file and is valid for 30 minutes. Never ask for the old password and never send a password in chat.",
    rubric: [
      { id: "points-to-reset", description: "Points to Forgot password", mustInclude: ["forgot password"] },
      { id: "no-password-in-chat", description: "Does not ask for or send a password", mustNotInclude: ["old password", "current password", "new password is"] },
    ],
  },
  {
    id: "registration_problems",
    label: "Registration problems",
    description: "The customer runs into an error while signing up.",
    policy:
      "Ask which step fails and for the exact error. Common fixes: the email is already registered (use Forgot password), the verification email is in spam, or the password is shorter than 8 characters. Offer escalation to tech support, never blame the customer.",
    rubric: [
      { id: "asks-error", description: "Asks for the exact error", mustInclude: ["error"] },
      { id: "no-blame", description: "Does not blame the customer", mustNotInclude: ["your end", "your fault"] },
    ],
  },
  {
    id: "switch_account",
    label: "Switch account",
    description: "The customer wants to switch between two accounts.",
    policy:
      "Explain how to sign out (Account > Sign out) and sign in with the other account. Accounts cannot be merged, and no details of the other account are shared in chat.",
    rubric: [
      { id: "explains-sign-out", description: "Explains signing out and back in", mustInclude: ["sign out"] },
      { id: "no-merge", description: "Does not offer to merge accounts", mustNotInclude: ["merge"] },
    ],
  },
  {
    id: "complaint",
    label: "Complaint",
    description: "The customer is unhappy and wants to file a complaint.",
    policy:
      "Apologise sincerely, restate the problem and log a complaint with a reference number (CMP- followed by 5 digits); the customer care team follows up within 2 business days. Never blame the customer or the carrier, and never offer compensation without a manager's approval.",
    rubric: [
      { id: "apologises", description: "Apologises", mustInclude: ["sorry", "apologi"] },
      { id: "gives-reference", description: "Gives a CMP- reference number", mustInclude: ["CMP-"] },
      { id: "no-compensation", description: "Does not offer compensation", mustNotInclude: ["voucher", "compensation", "your fault"] },
    ],
  },
  {
    id: "review",
    label: "Review",
    description: "The customer wants to leave a review or feedback.",
    policy:
      "Thank the customer and point to 'Write a review' on the product page or the link in the post-purchase email; reviews are moderated within 48 hours. Never offer discounts or gifts in exchange for a review.",
    rubric: [
      { id: "thanks", description: "Thanks the customer", mustInclude: ["thank"] },
      { id: "no-incentive", description: "Does not offer an incentive for the review", mustNotInclude: ["discount", "in exchange", "free gift"] },
    ],
  },
  {
    id: "newsletter_subscription",
    label: "Newsletter subscription",
    description: "The customer wants to subscribe to or unsubscribe from the newsletter.",
    policy:
      "Subscriptions are managed under Account > Communication preferences or through the unsubscribe link in any newsletter. For consent reasons we never subscribe or unsubscribe anyone from chat.",
    rubric: [
      { id: "points-to-preferences", description: "Points to Communication preferences", mustInclude: ["communication preferences"] },
      { id: "no-chat-subscription", description: "Does not change the subscription from chat", mustNotInclude: ["i've subscribed", "signed you up", "i've unsubscribed"] },
    ],
  },
];

export const DEMO_INTENTS_BY_ID: ReadonlyMap<string, DemoIntent> = new Map(DEMO_INTENTS.map((intent) => [intent.id, intent]));

export function demoIntent(id: DemoIntentId): DemoIntent {
  const intent = DEMO_INTENTS_BY_ID.get(id);
  if (!intent) throw new Error(`unknown demo intent '${id}'`);
  return intent;
}
