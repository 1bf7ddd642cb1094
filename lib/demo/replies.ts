import type { DemoIntentId } from "./taxonomy";

/**
 * Assistant reply bodies per intent, written for this project.
 * `good` bodies follow the intent's guideline and meet every rubric item;
 * `slips` are realistic policy slips that break at least one rubric item.
 * `wants` completes the analysis sentence "The customer wants to ...".
 * Slots: {askOrder} {wait} {ref} {day}.
 */
export type ReplySet = { wants: string; good: readonly string[]; slips: readonly string[] };

export const REPLIES: Record<DemoIntentId, ReplySet> = {
  cancel_order: {
    wants: "cancel an order",
    good: [
      "I can help you cancel that. {askOrder} If it hasn't shipped yet, cancelling costs $4.99. Would you like me to go ahead?",
      "Sure. Before I cancel anything: {askOrder} Please note there's a $4.99 cancellation fee for orders that haven't shipped; if it already shipped, I can help you start a return instead. Shall I proceed?",
    ],
    slips: [
      "No problem, I can cancel that for you. {askOrder} Once you confirm, I'll cancel it right away.",
      "Done, your order has been cancelled. A $4.99 cancellation fee applies, and you'll get a confirmation with your order number shortly.",
    ],
  },
  change_order: {
    wants: "change the items in an existing order",
    good: [
      "Happy to help with that change. {askOrder} Orders can still be changed while they're processing; once an order ships, changes are no longer possible. What exactly would you like to change?",
      "Let me check whether we can still change it. {askOrder} As long as the order is still processing, I can update items, sizes or quantities for you.",
    ],
    slips: [
      "No problem, I can change anything in your order, even if it has shipped. {askOrder}",
      "Sure! {askOrder} Tell me what you'd like to change and I'll sort it out.",
    ],
  },
  place_order: {
    wants: "buy a product and needs help placing the order",
    good: [
      "Great choice! Add the item to your cart and go to checkout on our website or app, where you can pay securely. Orders over $50 ship free with Standard shipping.",
      "You can order it directly: open the product page, choose Add to cart, then follow the checkout steps. Standard shipping is free on orders over $50.",
    ],
    slips: ["I can place the order for you here. Just send me your card number, expiry date and CVV."],
  },
  track_order: {
    wants: "know where their order is",
    good: [
      "Let me help you find your parcel. {askOrder} You can also follow it with the tracking link in your shipping confirmation email, which shows the carrier's latest estimate.",
      "{askOrder} Once I have it I can check the status; the tracking link in your shipping confirmation email also shows the carrier's estimated delivery window.",
    ],
    slips: [
      "{askOrder} Don't worry, it will definitely arrive tomorrow.",
      "Your tracking shows it's on the way and I guarantee it will be with you by {day}. {askOrder}",
    ],
  },
  check_cancellation_fee: {
    wants: "know whether cancelling an order costs a fee",
    good: [
      "Cancelling is free within the first hour after you place an order. After that, the cancellation fee is $4.99 as long as the order hasn't shipped. Shipped orders can't be cancelled, but you can return them.",
      "Good question! There's no charge if you cancel within the first hour of ordering; after that it's $4.99 until the order ships.",
    ],
    slips: [
      "There's no fee for cancelling, it's completely free.",
      "It's $4.99 after the first hour. I've cancelled the order for you, so there's nothing else to do.",
    ],
  },
  get_refund: {
    wants: "get their money back for an item",
    good: [
      "I'm sorry the item didn't work out. {askOrder} Items can be returned within 30 days of delivery; once we receive and inspect the return, the refund goes back to your original payment method.",
      "I can start a refund request for you. {askOrder} Please also tell me the reason for the return. After the item is back with us and inspected, we refund your original payment method.",
    ],
    slips: [
      "{askOrder} I'll process your refund straight away and you'll have the money back by Friday.",
      "{askOrder} Your refund goes to your original payment method and I guarantee it will arrive within 24 hours.",
    ],
  },
  track_refund: {
    wants: "know the status of a refund they already requested",
    good: [
      "Let me check on that refund for you. {askOrder} Refunds are issued within 5-10 business days after we inspect the return, and your bank may need a few extra days to show it.",
      "{askOrder} I'll look up the existing refund. It is normally issued 5-10 business days after the returned item is inspected; after that it depends on your bank.",
    ],
    slips: ["{askOrder} Good news, your refund will be in your account tomorrow."],
  },
  check_refund_policy: {
    wants: "understand the return and refund policy",
    good: [
      "You can return unused items in their original packaging within 30 days of delivery, and we refund the original payment method. Final-sale items can't be returned. The full details are on our returns policy page.",
      "Our policy is simple: you have 30 days from delivery to return unused items in the original packaging. Items marked final sale are excluded.",
    ],
    slips: ["You can return anything at any time, no questions asked!"],
  },
  delivery_options: {
    wants: "know which shipping methods are available",
    good: [
      "We offer Standard shipping (3-5 business days, free over $50), Express shipping (1-2 business days, $9.99) and free in-store pickup.",
      "You can choose Standard delivery, which is free on orders over $50, Express delivery for $9.99, or pick the order up in one of our stores for free.",
    ],
    slips: ["We offer Standard, Express and same-day delivery in most cities."],
  },
  delivery_period: {
    wants: "know how long delivery takes",
    good: [
      "Standard shipping takes 3-5 business days and Express 1-2 business days after dispatch. Orders placed after 2pm are dispatched the next business day.",
      "It depends on the method: 3-5 business days with Standard, 1-2 business days with Express, counted from dispatch.",
    ],
    slips: ["It will definitely be with you in 2 days, guaranteed."],
  },
  change_shipping_address: {
    wants: "send an existing order to a different address",
    good: [
      "I can help with that as long as the order hasn't shipped yet. {askOrder} Please also send the full new address and the email on your account so I can verify it's you.",
      "{askOrder} To keep your account safe, please confirm the email address on your account and the complete new address. If the parcel already shipped, I can ask the carrier for a redirect.",
    ],
    slips: [
      "No problem, I've updated the delivery address on your order.",
      "{askOrder} Done, the address has been updated to the new one.",
    ],
  },
  set_up_shipping_address: {
    wants: "save a shipping address on their account",
    good: [
      "You can add it under Account > Addresses > Add new address, and tick 'Set as default' to use it for future orders.",
      "Go to Account > Addresses and choose Add new address. You can save several addresses and pick a default one.",
    ],
    slips: ["Just send me your address here and I'll save it to your account."],
  },
  payment_issue: {
    wants: "resolve a failed or incorrect payment",
    good: [
      "I'm sorry about the trouble with your payment. Could you tell me the exact error message you see and which payment method you used? Often checking the billing address or trying another method solves it.",
      "Sorry for the inconvenience. What error message appears at checkout? If you were charged twice, the extra amount is a pending authorisation that disappears within 3-5 business days.",
    ],
    slips: ["Sorry about that! Please send me your full card number and the security code so I can check the payment."],
  },
  check_payment_methods: {
    wants: "know which payment methods are accepted",
    good: [
      "We accept Visa, Mastercard, American Express, PayPal, Apple Pay and our gift cards.",
      "You can pay with Visa, Mastercard, American Express, PayPal or Apple Pay, and gift cards can be combined with any of them.",
    ],
    slips: ["We accept all major cards, PayPal and cash on delivery."],
  },
  get_invoice: {
    wants: "get a copy of an invoice",
    good: [
      "You'll find the invoice under Account > Orders > Invoice once the order has shipped. I can also email a PDF copy to the email on file.",
      "Invoices are available in Account > Orders for every shipped order. Would you like me to send a PDF to the email on file?",
    ],
    slips: ["Sure, I can send the invoice to any email you like. Just tell me the address."],
  },
  check_invoice: {
    wants: "understand the charges on an invoice",
    good: [
      "Happy to go through it with you. Could you share the invoice number or order number? I'll then explain each line: items, shipping, tax and any discounts.",
      "{askOrder} Then I can break the invoice down line by line. If an amount still looks wrong, I'll open a billing review.",
    ],
    slips: ["That does look too high, I'll refund the difference right away."],
  },
  contact_customer_service: {
    wants: "know how to reach customer service",
    good: [
      "You can reach our support team Mon-Fri 8am-8pm ET and Sat 9am-5pm ET by chat, at support@example.com or on 1-800-555-0142. I'm also happy to help right here.",
      "Our customer service is available Monday to Friday 8am-8pm ET and Saturday 9am-5pm ET. Call 1-800-555-0142 or email support@example.com, or tell me what you need and I'll try to help now.",
    ],
    slips: ["Our support team is available 24/7 at 1-800-555-0142."],
  },
  contact_human_agent: {
    wants: "talk to a human agent",
    good: [
      "Of course. I'll transfer you to a human agent now; the current wait is {wait}.",
      "Sure, I can connect you with a member of our team. The estimated wait time right now is {wait}.",
    ],
    slips: [
      "I'm a real person, so you can tell me everything here.",
      "You don't need an agent for this, I can handle it myself. What's the problem?",
    ],
  },
  create_account: {
    wants: "open a new account",
    good: [
      "You can create an account by choosing Sign up on our website or app. You'll need an email address and a password of at least 8 characters, then confirm with the verification link we email you.",
      "Tap Sign up at the top of the page, enter your email and choose a password with 8 or more characters. We'll send a verification link to finish.",
    ],
    slips: ["I can create the account for you. Just send me the password you'd like to use."],
  },
  delete_account: {
    wants: "close their account",
    good: [
      "I'm sorry to see you go. Please note that deleting your account is permanent: your order history and any store credit will be removed. To continue, confirm the email on file and reply 'yes, delete my account'.",
      "I can start that for you. Account deletion is permanent and can't be undone, and any open orders must be completed first. Could you confirm the email on your account and that you want to go ahead?",
    ],
    slips: ["Done, your account has been deleted."],
  },
  edit_account: {
    wants: "update details on their account",
    good: [
      "You can change your name, phone number and preferences under Account > Profile. If you change your email, we'll send a verification link to the new address.",
      "Head to Account > Profile and choose Edit. Changes to your email address need to be confirmed with the link we send you.",
    ],
    slips: ["No problem, I've updated your details for you."],
  },
  recover_password: {
    wants: "reset a forgotten password",
    good: [
      "No worries. Click 'Forgot password' on the sign-in page and we'll email a reset link to the address on file; it's valid for 30 minutes.",
      "Use the Forgot password link on the sign-in page. The reset link goes to the email on your account and expires after 30 minutes, so check your spam folder if it doesn't show up.",
    ],
    slips: [
      "Tell me your old password and I'll reset it for you.",
      "I've reset it for you: your new password is Welcome123.",
    ],
  },
  registration_problems: {
    wants: "fix an error they hit while signing up",
    good: [
      "Sorry you're having trouble signing up. Which step fails, and what's the exact error you see? If the email is already registered, use Forgot password; also check your spam folder for the verification email, and make sure the password has at least 8 characters.",
      "Let's sort that out. Could you tell me the error message shown on the form? If nothing helps, I can pass this to our tech support team.",
    ],
    slips: ["Our registration works fine, so the problem must be on your end."],
  },
  switch_account: {
    wants: "switch to a different account",
    good: [
      "To switch, go to Account > Sign out, then sign in again with the other account's email and password.",
      "You can be signed in to one account at a time: choose Sign out from the Account menu and then sign in with the other account.",
    ],
    slips: ["I can merge your two accounts into one so you don't have to switch."],
  },
  complaint: {
    wants: "file a complaint about poor service",
    good: [
      "I'm really sorry about this experience. I've logged your complaint under reference {ref}, and our customer care team will follow up within 2 business days.",
      "I apologise for the trouble. Your complaint is recorded with reference {ref}; a member of our customer care team will contact you within 2 business days.",
    ],
    slips: [
      "I'm sorry about that. Here's a $20 voucher to make up for it.",
      "I've logged your complaint under reference {ref}. We'll be in touch within 2 business days.",
    ],
  },
  review: {
    wants: "leave a review of a product",
    good: [
      "Thank you for wanting to share your experience! Go to the product page and choose 'Write a review', or use the link in your post-purchase email. Reviews appear after moderation, usually within 48 hours.",
      "Thanks for taking the time! You can leave a review from the product page or through the review link in your order email.",
    ],
    slips: ["Thanks! Leave us a 5-star review and we'll send you a 10% discount code."],
  },
  newsletter_subscription: {
    wants: "change their newsletter subscription",
    good: [
      "You can manage this under Account > Communication preferences, or use the unsubscribe link at the bottom of any newsletter.",
      "Newsletter settings are in Account > Communication preferences, where you can switch the newsletter on or off whenever you like.",
    ],
    slips: ["Done, I've signed you up for our newsletter!", "Sure, I've unsubscribed you from all our emails."],
  },
};

export type ReplyContext = { order: string | null; wait: string; ref: string; day: string };

/** "Can you confirm the order number is #A12345?" or a request for it. Always says "order number". */
export function askOrder(order: string | null): string {
  return order
    ? `Can you confirm the order number is ${order}?`
    : "Could you share your order number? You'll find it at the top of your order confirmation.";
}

export function renderReply(template: string, context: ReplyContext): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => {
    switch (key) {
      case "askOrder":
        return askOrder(context.order);
      case "wait":
        return context.wait;
      case "ref":
        return context.ref;
      case "day":
        return context.day;
      default:
        return match;
    }
  });
}
