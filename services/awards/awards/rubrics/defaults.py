"""The default rubrics: the quality award's eight areas (seed 004) and the renewal prize's criteria (seed 003).

Weights are the award office's choice, not the seeds': seed 003 says the criteria focus on
benefit to residents (area 2), analysis of results for continuous improvement (areas 5 and 6)
and spreading good examples (area 8), so those weigh 15 and the others 10 (sum 100).
"""

from contracts.awards import Prize

QUALITY_AWARD_AREAS = [
    {"number": 1, "title": "Inledning – verksamheten", "weight": 10, "questions": [
        {"number": "1.1", "text": "Beskriv vilken typ av verksamhet ni bedriver"},
        {"number": "1.2", "text": "Ange lagar, förordningar och styrdokument av speciell betydelse för er verksamhet"},
        {"number": "1.3", "text": "Beskriv den brukar-/kundgrupp ni arbetar för"},
        {"number": "1.4", "text": "Ange ungefärligt antal brukare/kunder"},
        {"number": "1.5", "text": "Beskriv er organisations-och ledningsstruktur"},
        {"number": "1.6", "text": "Beskriv verksamhetens medarbetare"},
    ]},
    {"number": 2, "title": "Brukare/kunder", "weight": 15, "questions": [
        {"number": "2.1", "text": "Beskriv hur ni arbetar med bemötandefrågor och förstärker en kultur där brukarna/kunderna är i centrum"},
        {"number": "2.2", "text": "Beskriv hur ni gör brukarna/kunderna delaktiga"},
        {"number": "2.3", "text": "Redovisa kortfattat resultaten från era brukarundersökningar/kunddialoger, redogör också för er analys av resultaten och hur ni arbetar med resultaten"},
    ]},
    {"number": 3, "title": "Chef- och ledarskap", "weight": 10, "questions": [
        {"number": "3.1", "text": "Beskriv din ledarskapsidé och hur du gör den känd och förankrad i organisationen"},
        {"number": "3.2", "text": "Redogör för hur du som ledare utvärderar och utvecklar ditt ledarskap"},
        {"number": "3.3", "text": "Beskriv hur du som chef/ledare försäkrar dig om att medarbetarna är införstådda med verksamhetens syfte och mål/åtaganden och ser sin del i måluppfyllelsen"},
        {"number": "3.4", "text": "Beskriv hur du som chef/ledare skapar förutsättningar för och tar vara på engagemanget hos medarbetarna"},
        {"number": "3.5", "text": "Beskriv hur du som chef/ledare skapar möjligheter för lärande i organisationen och hur ni arbetar med kompetensutveckling utifrån identifierade behov"},
    ]},
    {"number": 4, "title": "Medarbetare", "weight": 10, "questions": [
        {"number": "4.1", "text": "Beskriv vilken värdegrund/gemensamma förhållningssätt ni har i er verksamhet, beskriv hur den/de förankras och hålls levande i organisationen"},
        {"number": "4.2", "text": "Ge ett konkret exempel på hur ni, ur ett arbetsgivarperspektiv, arbetar med frågor kring jämställdhet och mångfald"},
        {"number": "4.3", "text": "Verksamhetsutveckling är allas ansvar, beskriv hur ni arbetar för ett aktivt medarbetarskap"},
        {"number": "4.4", "text": "Redovisa kortfattat resultaten från den senaste medarbetarundersökningen, redogör också för er analys och hur ni arbetar med resultaten"},
    ]},
    {"number": 5, "title": "Resultat och analys", "weight": 15, "questions": [
        {"number": "5.1", "text": "Redovisa kortfattat era resultat från föregående års uppföljningar, redogör också för er analys av resultaten och hur ni arbetar med att ta tillvara resultaten"},
        {"number": "5.2", "text": "Redovisa ert prognostiserade ekonomiska resultat i förhållande till budget för innevarande år samt de tre senaste årens resultat, redogör också för er analys av resultaten och vilka trender ni kan se"},
    ]},
    {"number": 6, "title": "Från åtaganden/mål till uppföljning", "weight": 15, "questions": [
        {"number": "6.1", "text": "Beskriv processen, det vill säga hur det gick till, och de överväganden ni gjorde, när ni tog fram årets verksamhetsplan eller motsvarande"},
        {"number": "6.2", "text": "Skriv era åtaganden/mål. Under varje åtagande/mål ska ni skriva förväntat resultat (vad är det ni vill uppnå?), arbetssätt (hur arbetar ni för att nå resultatet?) och hur avser ni att följa upp (hur tar ni reda på att ni nått förväntat resultat?)"},
        {"number": "6.3", "text": "Beskriv hur er planering för årets uppföljning ser ut"},
    ]},
    {"number": 7, "title": "Resursanvändning", "weight": 10, "questions": [
        {"number": "7.1", "text": "Beskriv hur ni använder verksamhetens resurser så effektivt som möjligt för att nå era åtaganden/mål"},
    ]},
    {"number": 8, "title": "Utveckling", "weight": 15, "questions": [
        {"number": "8.1", "text": "Beskriv hur ni utvecklar verksamheten utifrån era analyser av uppföljningar och resultat"},
        {"number": "8.2", "text": "Beskriv hur ni arbetar med att identifiera och minimera risker och sårbarheter i er verksamhet"},
        {"number": "8.3", "text": "Beskriv verksamhetens styrkor och svagheter samt era möjligheter och hot, beskriv hur ni använder denna kunskap för att utveckla verksamheten"},
        {"number": "8.4", "text": "Beskriv hur ni delar med er av era goda exempel, beskriv också hur ni lär av andra och hur ni använder dessa kunskaper för att utveckla verksamheten"},
    ]},
]

# Förnyelsepriset: "något som förbättrat kvaliteten, ökat effektiviteten, bidragit till en hållbar
# utveckling, gjort arbetet enklare m.m. Allt i syfte att öka nyttan för medborgarna" (seed 003).
RENEWAL_PRIZE_AREAS = [
    {"number": 1, "title": "Bättre kvalitet", "weight": 20, "questions": [
        {"number": "1.1", "text": "Beskriv förnyelsen och hur den har förbättrat kvaliteten i verksamheten"},
    ]},
    {"number": 2, "title": "Ökad effektivitet", "weight": 20, "questions": [
        {"number": "2.1", "text": "Beskriv hur förnyelsen har ökat effektiviteten och hur ni har mätt det"},
    ]},
    {"number": 3, "title": "Hållbar utveckling", "weight": 20, "questions": [
        {"number": "3.1", "text": "Beskriv hur förnyelsen bidrar till en hållbar utveckling"},
    ]},
    {"number": 4, "title": "Enklare arbete", "weight": 20, "questions": [
        {"number": "4.1", "text": "Beskriv hur förnyelsen har gjort arbetet enklare för medarbetare eller brukare"},
    ]},
    {"number": 5, "title": "Nytta för medborgarna", "weight": 20, "questions": [
        {"number": "5.1", "text": "Beskriv vilken nytta förnyelsen ger stockholmarna och hur den kan spridas till andra verksamheter"},
    ]},
]

DEFAULT_AREAS = {Prize.quality_award: QUALITY_AWARD_AREAS, Prize.renewal_prize: RENEWAL_PRIZE_AREAS}
