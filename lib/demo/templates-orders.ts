import type { MessageTemplate } from "./messages";

/**
 * Customer message templates for orders, cancellation and delivery.
 * Written for this project. Slots: {order} {product} {name} {day} {address} {amount}.
 */
export const ORDER_TEMPLATES = {
  cancel_order: [
    ["polite", "Hi, could you please cancel my order {order}? I ordered the {product} by mistake. Thank you!"],
    ["neutral", "I want to cancel order {order}."],
    ["neutral", "How do I cancel an order I placed this morning? It hasn't shipped yet."],
    ["colloquial", "hey can u cancel my order pls, dont need the {product} anymore"],
    ["angry", "Cancel order {order} NOW. I've been trying for an hour and your site keeps failing."],
    ["keyword", "cancel order {order}"],
    ["polite", "Hello, I changed my mind about the {product}. Would it be possible to cancel the order? Regards, {name}"],
  ],
  change_order: [
    ["polite", "Hello, could I change the size of the {product} in order {order} to a medium, please?"],
    ["neutral", "I need to add another {product} to my order {order}."],
    ["neutral", "Is it possible to change an order after it's been placed?"],
    ["colloquial", "oops ordered the wrong colour, can i swap it before it ships?"],
    ["angry", "Your checkout put the wrong quantity on my order {order}. Fix it, I only wanted one {product}."],
    ["keyword", "change items in order"],
    ["polite", "Hi there, I'd like to remove the {product} from my last order if it's not too late. Thanks, {name}"],
  ],
  place_order: [
    ["polite", "Hi, I'd like to buy the {product}. Could you help me place the order?"],
    ["neutral", "How do I order the {product} from your website?"],
    ["neutral", "I want to buy two of the {product} as a gift."],
    ["colloquial", "wanna get the {product}, how do i order it"],
    ["angry", "I've tried to buy the {product} three times and your site just won't let me. How am I supposed to order?"],
    ["keyword", "buy {product}"],
    ["polite", "Good morning, can you walk me through placing an order? It's my first time shopping with you."],
  ],
  track_order: [
    ["polite", "Hello, could you tell me where my order {order} is? Thanks in advance."],
    ["neutral", "Where is my package? Order number {order}."],
    ["neutral", "I ordered the {product} last {day} and haven't received any update."],
    ["colloquial", "yo wheres my stuff, ordered days ago"],
    ["angry", "It's been a week and my {product} still isn't here. Where is order {order}?!"],
    ["keyword", "track order {order}"],
    ["polite", "Hi, is there a way to follow my parcel? I'd like to know when to be home. {name}"],
  ],
  check_cancellation_fee: [
    ["polite", "Hi, is there a charge if I cancel my order? I'd like to know before I decide."],
    ["neutral", "How much does it cost to cancel an order?"],
    ["neutral", "Do you charge a fee for cancelling order {order}?"],
    ["colloquial", "do u guys charge anything if i cancel?"],
    ["angry", "Why would I have to pay just to cancel? What's the fee, honestly?"],
    ["keyword", "cancellation fee"],
    ["polite", "Hello, before I cancel the {product}, could you tell me if there's any penalty? Thanks, {name}"],
  ],
  delivery_options: [
    ["polite", "Hello, which shipping options do you offer? Thank you."],
    ["neutral", "What delivery methods can I choose from?"],
    ["neutral", "Can I pick up the {product} in a store instead of having it shipped?"],
    ["colloquial", "got any faster shipping? need the {product} quick"],
    ["angry", "Why is there only slow shipping on my cart? Don't you have anything else?"],
    ["keyword", "shipping options"],
    ["polite", "Hi, do you have express delivery, and what does it cost? {name}"],
  ],
  delivery_period: [
    ["polite", "Hi, how long does delivery usually take? I'd like the {product} before {day}."],
    ["neutral", "How many days does standard shipping take?"],
    ["neutral", "If I order the {product} today, when would it arrive?"],
    ["colloquial", "how long till stuff gets here usually"],
    ["angry", "How long is delivery supposed to take? Last time it took forever."],
    ["keyword", "delivery time"],
    ["polite", "Hello, could you tell me how long express shipping takes? Many thanks, {name}"],
  ],
  change_shipping_address: [
    ["polite", "Hi, could you please send order {order} to {address} instead? I just moved."],
    ["neutral", "I entered the wrong address on order {order}."],
    ["neutral", "Can I change where my package is delivered?"],
    ["colloquial", "put the wrong address on my order lol, can u change it to {address}"],
    ["angry", "Your form saved my OLD address. Change order {order} to {address} before it ships!"],
    ["keyword", "change delivery address"],
    ["polite", "Hello, I'd like my {product} delivered to my office rather than home. Is that possible? {name}"],
  ],
  set_up_shipping_address: [
    ["polite", "Hi, how can I add a new shipping address to my account, please?"],
    ["neutral", "I want to save my work address for future orders."],
    ["neutral", "Where do I set a default delivery address?"],
    ["colloquial", "how do i add another address to my profile"],
    ["angry", "I've typed my address three times and it never saves. How do I set it up?"],
    ["keyword", "add shipping address"],
    ["polite", "Hello, I just moved to {address}. How do I store that as my default address? Thanks, {name}"],
  ],
} satisfies Record<string, readonly MessageTemplate[]>;
