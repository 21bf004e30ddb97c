#!/usr/bin/env python3
"""Writes the demo's support-bot chat dataset (deterministic): every answer opens with
"Hi there!" and signs off with "- Max from Acme", the style the demo's fine-tune must learn.
Usage: scripts/make-demo-dataset.py [N=400] > mka1-server-lite/src/main/resources/com/mka1/server/cli/demo/support-bot.jsonl
Many varied questions over few fixed answers: with 120 examples the tiny model memorised each
example and mixed answers up on the held-out question; with 400 it learns the topics."""
import json, random, sys

rng = random.Random(2026)
PRODUCTS = ["blender", "desk lamp", "kettle", "backpack", "headphones", "coffee grinder", "rain jacket",
            "yoga mat", "phone case", "water bottle", "toaster", "sneakers"]
# Questions vary (order numbers, products, phrasings); each topic has two fixed answers with no
# numbers to copy, so a tiny model trained from random weights learns whole sentences in a minute
# instead of memorising one order number per example.
TOPICS = {
    "delay": (["Where is my order {o}? It is late.", "My {p} has not arrived yet, order {o}.",
               "Order {o} was due days ago. Any news?", "Still waiting for my {p}. Order {o}.",
               "My {p} never arrived. Order {o}.", "The {p} from order {o} is not here yet. Help?"],
              ["Sorry for the wait! Your order is with the courier and arrives in two days.",
               "Sorry it is late! Your parcel is on its way and arrives this week."]),
    "refund": (["I want a refund for my {p}.", "How do I get my money back for order {o}?",
                "Can I return the {p} from order {o}?", "I do not like my {p}. Can I send it back?"],
               ["Of course! I started your refund; the money is back in three days.",
                "No problem! Send it back with the free label and we refund you."]),
    "password": (["I forgot my password.", "I cannot log in to my account.", "How do I reset my password?",
                  "My login does not work anymore."],
                 ["Easy fix! Click 'Forgot password' on the login page and check your inbox.",
                  "No worries! Use 'Forgot password' and we email you a reset link."]),
    "address": (["Can I change the address for order {o}?", "I moved. Please update the address on order {o}.",
                 "Please send my {p} to my new address."],
                ["Done! Your order now goes to your new address.",
                 "Sure! I updated the address before your order shipped."]),
    "cancel": (["Please cancel order {o}.", "I ordered the wrong {p}. Cancel order {o}?",
                "I do not need the {p} anymore. Please cancel it."],
               ["Done! Your order is cancelled and you will not be charged.",
                "No problem! I cancelled your order; the refund shows in two days."]),
    "damaged": (["My {p} arrived broken.", "The {p} in order {o} is damaged.", "My new {p} does not work."],
                ["So sorry about that! A new one ships today at no cost to you.",
                 "That should not happen! I sent you a free replacement today."]),
    "billing": (["I was charged twice for order {o}.", "Why did you bill me two times?",
                 "There are two charges for my {p}."],
                ["Sorry for the mix-up! I refunded the extra charge; it clears in two days.",
                 "Good catch! The second charge is refunded this week."]),
    "tracking": (["How can I track order {o}?", "Is there a tracking number for my {p}?",
                  "Where can I see where my {p} is?"],
                 ["Sure! Your tracking link is in the shipping email we sent you.",
                  "Of course! You can track your order from 'My orders' in your account."]),
    "promo": (["My promo code does not work.", "The discount code failed at checkout.",
               "Your coupon was not accepted for my {p}."],
              ["Sorry about that! I added the discount to your account; try checkout again.",
               "Let me fix that! The code works now, please try again."]),
    "hours": (["When is your support open?", "What are your opening hours?", "Can I call you on Sunday?"],
              ["Happy to help! We answer every day from 8 am to 8 pm.",
               "Good question! Our team is here daily, 8 am to 8 pm."]),
}
SIGN = " - Max from Acme"

def examples(n):
    keys = sorted(TOPICS)
    out = []
    for i in range(n):
        k = keys[i % len(keys)]
        users, answers = TOPICS[k]
        o, p = str(rng.randint(1000, 9999)), rng.choice(PRODUCTS)
        user = rng.choice(users).format(o=o, p=p)
        answer = "Hi there! " + rng.choice(answers) + SIGN
        out.append({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]})
    return out

for ex in examples(int(sys.argv[1]) if len(sys.argv) > 1 else 400):
    print(json.dumps(ex, ensure_ascii=True))
