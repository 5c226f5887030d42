#!/usr/bin/env python3
"""Seeded corpus generator for sponsorlint benchmarks (no network).

    python3 bench/gen_corpus.py --posts 100000 --out bench/data/posts-100k --seed 7

writes posts-100k.jsonl and posts-100k.csv: captions of 40–2,200 characters
in several languages with emoji (ZWJ sequences, skin tones), hashtags (also
non-Latin), mentions, affiliate URLs, discount codes and line breaks, and a
mix of compliant, missing, buried, ambiguous, wrong-language and below-fold
disclosures across markets, platforms and relationships. The same seed always
gives the same files.
"""

import argparse
import csv
import json
import random

MARKETS = ["US", "GB", "FR", "DE", "IT", "ES", "NL", "BE", "IE", "AT", "CA", "AU",
           "IN", "BR", "JP", "KR", "SE", "PL"]
PLATFORMS = ["instagram", "tiktok", "youtube", "facebook", "x", "linkedin",
             "pinterest", "snapchat", "twitch"]
RELATIONSHIPS = ["paid"] * 5 + ["gifted"] * 2 + ["affiliate", "ambassador", "event",
                                                   "employee", "own_brand", "unknown",
                                                   "unknown", "none"]
# The language a market's creators mostly write in, and its proper label.
MARKET_LANGUAGE = {
    "US": "en", "GB": "en", "IE": "en", "CA": "en", "AU": "en", "IN": "en",
    "FR": "fr", "BE": "fr", "DE": "de", "AT": "de", "IT": "it", "ES": "es",
    "NL": "nl", "BR": "pt", "JP": "ja", "KR": "ko", "SE": "sv", "PL": "pl",
}
LABEL = {
    "en": "#ad", "fr": "Publicité", "de": "Werbung", "it": "Pubblicità",
    "es": "Publicidad", "nl": "#reclame", "pt": "#publi", "ja": "【PR】",
    "ko": "#광고", "sv": "Reklam", "pl": "Reklama",
}
SENTENCES = {
    "en": ["Obsessed with this new serum from {brand}", "My morning routine just got an upgrade",
           "Honestly the comfiest trainers I have ever worn", "Weekend getaway vibes at the coast",
           "This blender changed my smoothie game completely", "Three weeks in and my skin is glowing"],
    "fr": ["Mon sérum préféré du moment signé {brand}", "Ma routine du matin a complètement changé",
           "Les baskets les plus confortables que j'ai portées", "Escapade à Biarritz ce week-end"],
    "de": ["Mein neues Lieblingsserum von {brand}", "Meine Morgenroutine hat ein Upgrade bekommen",
           "Die bequemsten Sneaker, die ich je getragen habe", "Wochenende an der Ostsee"],
    "it": ["La mia nuova crema preferita di {brand}", "La mia routine del mattino è cambiata",
           "Le scarpe più comode che abbia mai indossato", "Weekend a Roma con le amiche"],
    "es": ["Mi nuevo sérum favorito de {brand}", "Mi rutina de mañana ha cambiado por completo",
           "Las zapatillas más cómodas que he llevado", "Escapada de fin de semana a la costa"],
    "nl": ["Mijn nieuwe favoriete serum van {brand}", "Mijn ochtendroutine is helemaal veranderd",
           "De fijnste sneakers die ik ooit heb gedragen"],
    "pt": ["Meu novo sérum favorito da {brand}", "Minha rotina da manhã mudou completamente",
           "Os tênis mais confortáveis que já usei"],
    "ja": ["{brand}の新しい美容液がお気に入りです", "朝のスキンケアが変わりました", "今まで履いた中で一番快適なスニーカー"],
    "ko": ["{brand}의 새 세럼이 너무 좋아요", "아침 루틴이 완전히 바뀌었어요", "지금까지 신어본 운동화 중 최고예요"],
    "sv": ["Min nya favoritserum från {brand}", "Min morgonrutin har fått en uppgradering",
           "De skönaste skorna jag någonsin haft"],
    "pl": ["Mój nowy ulubiony krem od {brand}", "Moja poranna rutyna całkowicie się zmieniła",
           "Najwygodniejsze buty, jakie kiedykolwiek nosiłam"],
}
HASHTAGS = ["#skincare", "#glow", "#selfcare", "#ootd", "#travel", "#fitness", "#beauty",
            "#美容", "#スキンケア", "#뷰티", "#데일리", "#καλοκαίρι", "#été", "#café", "#müde"]
EMOJI = ["✨", "💧", "🌊", "👟", "🔥", "🥰", "👍🏽", "👩🏾‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "💪🏻", "☕️"]
BRANDS = ["Glow Lab", "Stride Lab", "Maison Lune", "Ocean Hotel", "Nordwear", "Soundwave"]
LINKS = ["https://amzn.to/3xYz{n}", "https://www.amazon.com/dp/B0C{n}?tag=luna-20",
         "https://rstyle.me/n/ab{n}", "https://liketk.it/4a{n}", "https://bit.ly/3ab{n}",
         "https://click.linksynergy.com/deeplink?id=Ab{n}&mid=1"]
AMBIGUOUS = ["#sp", "#spon", "#collab", "#thanks", "#partner"]
DISCLOSURE_MIX = ["compliant"] * 4 + ["missing"] * 2 + ["buried", "ambiguous",
                                                       "wrong-language", "below-fold"]


def caption(rng, language, brand, disclosure):
    """A caption of 40–2,200 characters with the given kind of disclosure."""
    target = min(2200, max(40, int(rng.lognormvariate(5.3, 0.8))))
    handle = "@" + brand.replace(" ", "").lower()
    parts = []
    while sum(len(part) + 1 for part in parts) < target:
        roll = rng.random()
        if roll < 0.55:
            parts.append(rng.choice(SENTENCES[language]).format(brand=handle))
        elif roll < 0.70:
            parts.append(rng.choice(EMOJI))
        elif roll < 0.78:
            parts.append("\n")
        elif roll < 0.84:
            parts.append(rng.choice(LINKS).format(n=rng.randint(100, 999)))
        elif roll < 0.90:
            parts.append(f"code {rng.choice(['LUNA', 'GLOW', 'SUMMER'])}{rng.randint(10, 30)}")
        else:
            parts.append(handle)
    body = " ".join(parts)[:target].rstrip()
    tags = " ".join(rng.sample(HASHTAGS, rng.randint(2, 6)))
    label = LABEL[language]
    if disclosure == "compliant":
        return f"{label} · {body}\n{tags}"
    if disclosure == "buried":
        return f"{body}\n{tags} {label} #love #daily"
    if disclosure == "ambiguous":
        return f"{body} {rng.choice(AMBIGUOUS)}\n{tags}"
    if disclosure == "wrong-language":
        return f"#ad {body}\n{tags}"
    if disclosure == "below-fold":
        filler = " ".join(rng.choice(SENTENCES[language]).format(brand=handle) for _ in range(6))
        return f"{filler}\n{body}\n{label}\n{tags}"
    return f"{body}\n{tags}"


def posts(count, seed, declare_language=False):
    rng = random.Random(seed)
    for index in range(count):
        markets = rng.sample(MARKETS, 1 if rng.random() < 0.85 else 2)
        language = MARKET_LANGUAGE[markets[0]]
        brand = rng.choice(BRANDS)
        disclosure = rng.choice(DISCLOSURE_MIX)
        post = {
            "id": f"p{index}",
            "text": caption(rng, language, brand, disclosure),
            "platform": rng.choice(PLATFORMS),
            "country": markets,
            "relationship": rng.choice(RELATIONSHIPS),
            "brand": brand,
        }
        if declare_language:
            post["language"] = language
        yield post


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True, help="path prefix; .jsonl and .csv are added")
    parser.add_argument("--declare-language", action="store_true",
                        help="give each post the language its caption is written in")
    args = parser.parse_args()
    columns = ["id", "text", "platform", "country", "relationship", "brand"]
    if args.declare_language:
        columns.append("language")
    with open(args.out + ".jsonl", "w", encoding="utf-8") as jsonl, \
            open(args.out + ".csv", "w", encoding="utf-8", newline="") as table:
        writer = csv.writer(table)
        writer.writerow(columns)
        for post in posts(args.posts, args.seed, args.declare_language):
            jsonl.write(json.dumps(post, ensure_ascii=False) + "\n")
            row = dict(post, country=",".join(post["country"]))
            writer.writerow([row[column] for column in columns])


if __name__ == "__main__":
    main()
