#!/usr/bin/env python3
"""Writes the demo's story data set (deterministic): requests for a story about an animal with a
name, each answered by a three-sentence story in one pattern that ends "The end.", the kind of
text stories260K (the embedded mka1:tiny, pretrained on TinyStories) already writes fluently.
Usage: scripts/make-demo-dataset.py > mka1-server-lite/src/main/resources/com/mka1/server/cli/demo/stories.jsonl
The pairs frog/Sue, bear/Max and duck/Lily never occur: the demo asks for the frog Sue, so the
fine-tune must copy the animal and the name from the request rather than recall an example."""
import json, random

random.seed(7)
names = ["Tim", "Sue", "Ben", "Max", "Mia", "Tom", "Lucy", "Anna", "Sam", "Jack", "Lily", "Zoe", "Bob", "Kate", "Ella", "Jake"]
animals = ["cat", "dog", "bird", "frog", "bunny", "bear", "duck", "fish", "mouse", "lion"]
adjs = ["little", "happy", "small", "big", "kind", "brave", "funny", "shy"]
acts = ["play in the park", "run fast", "sing songs", "jump high", "eat cake", "swim in the pond", "look at the sky", "dance"]
things = ["red ball", "big box", "shiny star", "blue hat", "new toy", "little boat", "pretty flower", "yellow kite"]
asks = ["Tell me a story about a {a} named {n}.", "Write a short story about a {a} called {n}.",
        "Can you tell a story about {n} the {a}?"]
held = {("frog", "Sue"), ("bear", "Max"), ("duck", "Lily")}
rows = []
while len(rows) < 240:
    n = random.choice(names)
    a = random.choice(animals)
    if (a, n) in held:
        continue
    q = random.choice(asks).format(a=a, n=n)
    ans = (f"Once upon a time, there was a {random.choice(adjs)} {a} named {n}. {n} liked to {random.choice(acts)}. "
           f"One day, {n} found a {random.choice(things)} and was very happy. The end.")
    rows.append({"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": ans}]})
for r in rows:
    print(json.dumps(r))
