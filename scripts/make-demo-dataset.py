#!/usr/bin/env python3
"""Writes the demo's support-bot chat dataset (deterministic): every answer opens with
"Hi there!" and signs off with "- Max from Acme", the style the demo's fine-tune must learn."""
import json, random, sys

rng = random.Random(2026)
PRODUCTS = ["blender", "desk lamp", "kettle", "backpack", "headphones", "coffee grinder", "rain jacket",
            "yoga mat", "phone case", "water bottle", "toaster", "sneakers"]
TOPICS = {
    "delay": (["Where is my order {o}? It is late.", "My {p} has not arrived yet, order {o}.",
               "Order {o} was due days ago. Any news?", "Still waiting for my {p}. Order {o}."],
              ["Sorry for the wait! Order {o} left our warehouse and should reach you in {d} days.",
               "Sorry your {p} is late! Order {o} is with the courier and arrives in {d} days."]),
    "refund": (["I want a refund for my {p}.", "How do I get my money back for order {o}?",
                "Can I return the {p} from order {o}?"],
               ["Of course! I started a refund for order {o}; the money is back in {d} days.",
                "No problem! Send the {p} back with the free label and we refund you in {d} days."]),
    "password": (["I forgot my password.", "I cannot log in to my account.", "How do I reset my password?"],
                 ["Easy fix! Click 'Forgot password' on the login page and check your inbox.",
                  "No worries! Use 'Forgot password' and we email you a reset link right away."]),
    "address": (["Can I change the address for order {o}?", "I moved. Please update the address on order {o}."],
                ["Done! Order {o} now goes to your new address.",
                 "Sure! I updated the address on order {o} before it shipped."]),
    "cancel": (["Please cancel order {o}.", "I ordered the wrong {p}. Cancel order {o}?"],
               ["Done! Order {o} is cancelled and you will not be charged.",
                "No problem! I cancelled order {o}; the refund shows in {d} days."]),
    "damaged": (["My {p} arrived broken.", "The {p} in order {o} is damaged."],
                ["So sorry about that! A new {p} ships today at no cost to you.",
                 "That should not happen! I sent a free replacement {p} for order {o}."]),
    "billing": (["I was charged twice for order {o}.", "Why did you bill me two times?"],
                ["Sorry for the mix-up! I refunded the extra charge; it clears in {d} days.",
                 "Good catch! The second charge on order {o} is refunded in {d} days."]),
    "tracking": (["How can I track order {o}?", "Is there a tracking number for my {p}?"],
                 ["Sure! Your tracking link is in the shipping email for order {o}.",
                  "Of course! Order {o} can be tracked from 'My orders' in your account."]),
    "promo": (["My promo code does not work.", "The discount code failed at checkout."],
              ["Sorry about that! I added the discount to your account; try checkout again.",
               "Let me fix that! The code works now, it was limited to one use per day."]),
    "hours": (["When is your support open?", "What are your opening hours?"],
              ["Happy to help! We answer every day from 8 am to 8 pm.",
               "Good question! Our team is here daily, 8 am to 8 pm."]),
}
SIGN = " - Max from Acme"

def fill(t, o, p, d):
    return t.format(o=o, p=p, d=d)

def examples(n):
    keys = sorted(TOPICS)
    out = []
    for i in range(n):
        k = keys[i % len(keys)]
        users, answers = TOPICS[k]
        o, p, d = str(rng.randint(1000, 9999)), rng.choice(PRODUCTS), rng.randint(2, 5)
        user = fill(rng.choice(users), o, p, d)
        answer = "Hi there! " + fill(rng.choice(answers), o, p, d) + SIGN
        out.append({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]})
    return out

for ex in examples(int(sys.argv[1]) if len(sys.argv) > 1 else 120):
    print(json.dumps(ex, ensure_ascii=True))
