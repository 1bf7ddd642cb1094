import type { MessageTemplate } from "./messages";

/**
 * Customer message templates for refunds, payments and invoices.
 * Written for this project. Slots: {order} {product} {name} {day} {amount} {payment}.
 */
export const BILLING_TEMPLATES = {
  get_refund: [
    ["polite", "Hello, the {product} arrived damaged. Could I get my money back, please?"],
    ["neutral", "I want a refund for order {order}."],
    ["neutral", "The {product} doesn't fit. How do I return it for a refund?"],
    ["colloquial", "can i get a refund on the {product}? not what i expected tbh"],
    ["angry", "The {product} broke after two days. I want my {amount} back, not excuses."],
    ["keyword", "refund {order}"],
    ["polite", "Hi, I'd like to request a refund for order {order}. The item was never used. Best, {name}"],
  ],
  track_refund: [
    ["polite", "Hi, I returned the {product} last {day}. Could you check on my refund, please?"],
    ["neutral", "When will I get the refund for order {order}?"],
    ["neutral", "My refund still hasn't shown up on my {payment} statement."],
    ["colloquial", "any news on my refund? been waiting ages"],
    ["angry", "You received my return two weeks ago and I STILL don't have my {amount}. Where is my refund?"],
    ["keyword", "refund status {order}"],
    ["polite", "Hello, could you tell me the status of my refund for order {order}? Thank you, {name}"],
  ],
  check_refund_policy: [
    ["polite", "Hello, could you tell me what your return policy is? I'm thinking about buying the {product}."],
    ["neutral", "How many days do I have to return something?"],
    ["neutral", "Can I get a refund on sale items?"],
    ["colloquial", "whats ur return policy like"],
    ["angry", "Before I waste more money here: do you actually give refunds or not?"],
    ["keyword", "refund policy"],
    ["polite", "Hi, if the {product} doesn't suit me, am I able to send it back? Thanks, {name}"],
  ],
  payment_issue: [
    ["polite", "Hi, my payment keeps failing at checkout. Could you help me, please?"],
    ["neutral", "My {payment} was declined but I have money on it."],
    ["neutral", "I was charged twice for order {order}."],
    ["colloquial", "payment wont go thru, tried like 5 times"],
    ["angry", "You took {amount} from my account and there's no order! Sort out your payment system."],
    ["keyword", "payment failed"],
    ["polite", "Hello, I got an error when paying with {payment}. What should I do? Regards, {name}"],
  ],
  check_payment_methods: [
    ["polite", "Hello, which payment methods do you accept, please?"],
    ["neutral", "Can I pay with {payment}?"],
    ["neutral", "Do you take gift cards?"],
    ["colloquial", "can i pay w/ apple pay or nah"],
    ["angry", "Why won't you take my card type? What DO you accept?"],
    ["keyword", "payment options"],
    ["polite", "Hi, is it possible to pay cash when the {product} is delivered? Thanks, {name}"],
  ],
  get_invoice: [
    ["polite", "Hi, could you send me the invoice for order {order}, please?"],
    ["neutral", "I need a receipt for my {product} for work expenses."],
    ["neutral", "Where can I download my invoices?"],
    ["colloquial", "need the invoice for my last order, where do i get it"],
    ["angry", "I've asked twice for the invoice for order {order}. My accountant is waiting!"],
    ["keyword", "invoice {order}"],
    ["polite", "Hello, I'd need a PDF invoice for my purchase on {day}. Thank you, {name}"],
  ],
  check_invoice: [
    ["polite", "Hello, could you explain the charges on my invoice for order {order}?"],
    ["neutral", "Why is my invoice {amount} when the {product} was cheaper?"],
    ["neutral", "There's a line on my invoice I don't recognise."],
    ["colloquial", "my bill looks off, can u check it"],
    ["angry", "Your invoice charged me {amount} for shipping. That's a joke. Explain it."],
    ["keyword", "invoice charges"],
    ["polite", "Hi, I think the tax on my invoice is wrong. Could you have a look? Regards, {name}"],
  ],
} satisfies Record<string, readonly MessageTemplate[]>;
