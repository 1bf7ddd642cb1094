import type { DemoIntent } from "./taxonomy";

/** Demo intents for contact, accounts and feedback (see taxonomy.ts). */
export const ACCOUNT_INTENTS: DemoIntent[] = [
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
