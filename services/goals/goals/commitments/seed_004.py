"""Seed 004 (Kvalitetsutmärkelsen 2015, Enheten för verksamhetsutveckling, Spånga-Tensta sdf) as data.

§6.2: the unit's 2015 commitments as written, each with its committee goal (nämndmål), expected
result (förväntat resultat), ways of working (arbetssätt, under planera / styra / stödja; the
work-environment commitment does not split them) and follow-up (uppföljning). §5.1: the 2014
commitments with their results (resultat 2014), analyses (analys) and the work planned for 2015
(arbete 2015).

The text is the application's, with its line breaks joined and words hyphenated across lines
rejoined; spelling is left as written ("tertialrapport 1och 2"). What the application does not
say, and the demo had to decide, is marked where it is used:
- the application gives no verdicts (uppfyllt / delvis / ej) for 2014; ``assessment`` is our
  reading of each result and analysis;
- its 2014 section writes the first committee goal three ways ("... en hållbar kvalitet",
  "... skapar kvalitet", "... skapar en hållbar"); they are one goal here;
- the work-environment commitment's expected result is a state of four parts, so it is a
  checklist (its items are the sentence's own parts); the others are target pictures (målbild).
"""

from dataclasses import dataclass, field

from contracts.goals import Assessment

# Nämndmål of Spånga-Tensta stadsdelsnämnd (the same wording in 2014 and 2015).
PLANNING = "Planering, stöd, styrning och uppföljning ökar effektiviteten och skapar en hållbar kvalitet"
WORK_ENVIRONMENT = "Förvaltningen har en hållbar och hälsosam arbetsmiljö som främjar samarbete, effektivitet och verksamhetsutveckling"
PROCUREMENT = "Kvalitet, hållbarhet och jämlikhet är i fokus vid upphandling"  # 2014 only
COMMITTEE_GOALS = {2014: (PLANNING, WORK_ENVIRONMENT, PROCUREMENT), 2015: (PLANNING, WORK_ENVIRONMENT)}

WORK_ENVIRONMENT_TITLE = "Arbetsmiljön är god"
# "Medarbetarna har en god arbetsmiljö, sjukfrånvaron är lägre än 2 procent och AMI ligger 5
# procentenheter över förvaltningens resultat. Medarbetarna är delaktiga i att planera och följa
# upp enhetens arbete. Mål och resultatkrav är tydliga." as the state to reach.
WORK_ENVIRONMENT_CHECKLIST = (
    ("god-arbetsmiljo", "Medarbetarna har en god arbetsmiljö"),
    ("sjukfranvaro", "Sjukfrånvaron är lägre än 2 procent"),
    ("ami", "AMI ligger 5 procentenheter över förvaltningens resultat"),
    ("delaktighet", "Medarbetarna är delaktiga i att planera och följa upp enhetens arbete"),
    ("tydliga-mal", "Mål och resultatkrav är tydliga"),
)


@dataclass(frozen=True)
class SeedCommitment:
    """A 2015 commitment of §6.2."""

    committee_goal: str
    title: str
    expected_result: str
    ways_of_working: dict[str, str]  # plan / steer / support, or general
    follow_up: str


@dataclass(frozen=True)
class SeedResult:
    """A 2014 commitment of §5.1 with its annual follow-up (verksamhetsberättelse 2014)."""

    committee_goal: str
    title: str
    expected_result: str
    result: str
    analysis: str
    next_steps: str
    assessment: Assessment  # our reading: the application states no verdict
    reached_item_ids: tuple[str, ...] = field(default=())  # for the checklist


COMMITMENTS_2015 = (
    SeedCommitment(
        committee_goal=PLANNING,
        title="Användarna har rätt kunskap om verksamhetssystemen",
        expected_result=(
            "Användarna har rätt kunskap om systemen för att kunna utföra sitt arbete. Användarna har rätt "
            "kunskaper i behörighetshanteringen till systemen. Användarna har rätt behörigheter i systemen. Vid "
            "uppdrag med särskilda granskningar i systemen minskar felaktigheter vid uppföljning."
        ),
        ways_of_working={
            "plan": (
                "Utbildningar kommer att genomföras under året för nya användare samt för medarbetare efter behov. "
                "Särskilda utbildningssatsningar kommer att genomföras för chefer och behörighetsadministratörer. "
                "Inom Individ och Familj sker en utbildningssatsning för att implementera ett nytt system. Vid "
                "särskilda granskningar på uppdrag under året genomförs vid behov anpassade utbildningar. Kontroll "
                "av användares behörighet till Paraplysystemet och Volvo-IT kommer att genomföras."
            ),
            "steer": "I samband med utbildningstillfällen kommer aktuella styrdokument, lathundar och regler presenteras.",
            "support": "Individuellt kundstöd ges av paraplysamordnaren genom telefonsupport.",
        },
        follow_up=(
            "Uppföljning av behöriga i systemet sker en gång per år i januari gällande december föregående år. I "
            "samband med utbildningstillfällen i behörighetshantering till systemen genomför kunderna en "
            "enkätutvärdering av utbildningen. Uppföljning av särskilda granskningar genomförs enligt plan och "
            "presenteras i samband med granskningen. Samtliga resultat presenteras i verksamhetsberättelsen."
        ),
    ),
    SeedCommitment(
        committee_goal=PLANNING,
        title="Budgetprocessen är tydlig",
        expected_result="Enheterna får information om och har tillgång till stöd i budgetprocessens alla delar.",
        ways_of_working={
            "plan": (
                "Styrsignaler utifrån KF:s budget tas fram av verksamhetscontroller och presenteras för "
                "förvaltningens ledningsgrupp samt avdelningarnas ledningsgrupper. Anvisningar med tidplaner "
                "utarbetas för alla delar av budgetprocessen (verksamhetsplan, tertialrapport 1och 2, "
                "verksamhetsberättelse och fleråringen) för förvaltningsledning och enheter."
            ),
            "steer": (
                "Verksamhetscontroller utarbetar förslag på nämndmål och presenterar dessa för "
                "förvaltningsledningen. Budgetprocessens alla delar diskuteras på avdelningarnas ledningsgrupper "
                "samt på chefsforum för att tydliggöra arbetet."
            ),
            "support": (
                "Inför enheternas arbete med de olika dokumenten/rapporterna erbjuds cheferna stöd utifrån "
                "individuella behov. Verksamhetscontrollers är tillgängliga för råd och stöd under enhetschefernas "
                "skrivperioder."
            ),
        },
        follow_up=(
            "Under processens gång stämmer enheten, på veckomöten, av att alla medarbetare har samma syn på "
            "uppdraget och att alla befinner sig i rätt fas. I samband med att de olika delarna "
            "(verksamhetsplan, tertialrapport 1och 2, verksamhetsberättelse och fleråringen) avslutas utvärderar "
            "enheten arbetet i syfte att förbättra och utveckla processen. Enheterna får återkoppling på "
            "respektive rapport efter varje avslutad process. Återkopplingen sker på olika sätt; i grupp eller "
            "individuellt. Återkoppling av enhetens arbete med budgetprocessens alla delar sker i tre steg:\n1. "
            "Förvaltningsledningen återkopplar till enhetschefen som i sin tur återkopplar till "
            "verksamhetscontroller på enhetens kvalitetsmöte.\n2. Enheterna återkopplar via enkät som går ut två "
            "gånger om året samt i dialog med verksamhetscontroller på ledningsgruppsmöte.\n3. Enhetscheferna för "
            "ekonomi och kansli återkopplar till enhetens chef som i sin tur återkopplar till "
            "verksamhetscontroller på enhetens kvalitetsmöte."
        ),
    ),
    SeedCommitment(
        committee_goal=PLANNING,
        title="Enheten arbetar utifrån givna uppdrag",
        expected_result="Enhetens arbete bidrar till utveckling och kvalitet i verksamheterna.",
        ways_of_working={
            "plan": (
                "Uppdragen kommer från förvaltningsledningen, avdelningschefer eller nämnden. Uppdragen planeras "
                "ofta i teamen inom enheten eller individuellt."
            ),
            "steer": "Styrningen sker utifrån uppdrag, bestämmelser, lagar, regler, tidsplaner m.m.",
            "support": (
                "Utifrån det aktuella uppdraget och behovet ges verksamheterna individuellt anpassat stöd i form av "
                "t ex. skrivelser, rapporter och planer. Enheten deltar som representant i nätverk, styrgrupper och "
                "arbetsgrupper. Enheten genomför utbildningar, granskningar, särskilt riktade insatser med mera. "
                "Enheten tar tillvara verksamheternas resultat; exempelvis brukarundersökningar, klagomål och "
                "synpunkter, internkontroll, granskningar, revisionsrapporter och stödjer verksamheterna i att "
                "hantera resultaten och använda dem i arbetet med verksamhetsutveckling."
            ),
        },
        follow_up="Uppföljning sker i teamen, återkopplingar i ledningsgruppen och via tjänsteutlåtanden till nämnden.",
    ),
    SeedCommitment(
        committee_goal=PLANNING,
        title="Lex Sarah utreds och bedöms skyndsamt enligt gällande lagstiftning",
        expected_result=(
            "Lex Sarah-hanteringen sker i enlighet med gällande lagstiftning på ett rättssäkert sätt. Berörda "
            "medarbetare är informerade om lex Sarah-bestämmelserna och medarbetarnas skyldighet att rapportera "
            "missförhållande eller påtaglig risk för missförhållande."
        ),
        ways_of_working={
            "plan": (
                "Lex Sarah-ansvarig inventerar behov samt planerar och strukturerar förvaltningens processer "
                "kopplade till lex Sarah."
            ),
            "steer": (
                "Verksamheternas medarbetare och chefer utbildas i lex Sarah enligt gällande lagstiftning. Lex "
                "Sarah-ansvarig skickar ut datum för fortbildningstillfällen till socialtjänstens verksamheter. Lex "
                "Sarah-ansvarig fortbildar även vid särskild förfrågan."
            ),
            "support": (
                "Lex Sarah-ansvarig tar emot, utreder skyndsamt, bedömer och informerar om inkomna rapporter. "
                "Verksamheterna får stöd i arbetet med lex Sarah."
            ),
        },
        follow_up=(
            "Rapportering sker löpande till sociala delegationen under året. I samband med "
            "verksamhetsberättelsen presenteras en årssammanställning med tillhörande analys. Årets lex "
            "Sarahrapporter ingår som en del i kvalitetsutvecklingsarbetet och beaktas i samband med "
            "verksamhetsplans-processen inom de olika verksamheterna."
        ),
    ),
    SeedCommitment(
        committee_goal=WORK_ENVIRONMENT,
        title="Arbetsmiljön är god",
        expected_result=(
            "Medarbetarna har en god arbetsmiljö, sjukfrånvaron är lägre än 2 procent och AMI ligger 5 "
            "procentenheter över förvaltningens resultat. Medarbetarna är delaktiga i att planera och följa upp "
            "enhetens arbete. Mål och resultatkrav är tydliga."
        ),
        ways_of_working={
            "general": (
                "Enheten arbetar strukturerat med att ta fram en verksamhetsplan som ligger till grund för årets "
                "arbete. Samtliga medarbetare delar ansvaret för verksamhetsplanen genom engagemang, delaktighet och "
                "dialog. Medarbetare planerar och tar ansvar för sina arbetsuppgifter och upplägg. Enhetens mål och "
                "resultatkrav är tydliga och det finns en regelbunden dialog om mål, resultat, uppdrag samt "
                "förändrade krav och förutsättningar. Enheten arbetar tillsammans med det psykosociala och det "
                "fysiska arbetsmiljöarbetet och har förutsättningar att samverka i dessa frågor. I arbetet utgår "
                "enheten från framtagna checklistor och anvisningar i samarbete med skyddsombudet. Chefen har god "
                "kompetens inom området arbetsmiljö och arbetar aktivt med det förebyggande, främjande samt "
                "rehabiliterande hälsoarbetet. Det systematiska arbetsmiljöarbetet drivs genom samverkan med "
                "fackliga organisationer samt alla medarbetare."
            ),
        },
        follow_up=(
            "Arbetet följer arbetsmiljöåret, i samband med veckomöten och APT diskuteras de olika frågorna. I "
            "samband med avstämningssamtal två gånger om året (juni och december). I samband med "
            "medarbetarenkäten följs åtagandet upp mot AMI och frågorna;\n3. Vi har tydliga mål på min "
            "arbetsplats.\n4. På min arbetsplats prövar vi nya arbetssätt för att utveckla verksamheten.\n7. Jag "
            "har en bra arbetssituation\n8. Jag känner att jag kan göra ett gott arbete.\n22. Min chef och jag för "
            "en dialog om mål och resultatkrav så att jag förstår hur jag kan bidra.\n24. Min chef ger mig stöd i "
            "prioriteringar mellan arbetsuppgifter, när jag behöver.\n25. Min chef följer upp att det vi bestämt "
            "blir gjort.\n26. Min chef ställer tydliga krav på mig.\n27. Jag får veta av min chef om jag inte "
            "skulle göra ett gott arbete."
        ),
    ),
    SeedCommitment(
        committee_goal=PLANNING,
        title="Enheten har god kunskap om avtals- och verksamhetsuppföljning",
        expected_result="Enheten säkerställer en god kvalitet i samband med avtals- och verksamhetsuppföljning.",
        ways_of_working={
            "plan": (
                "Enheten tar del av aktuell information i samband med avtals- och verksamhetsuppföljningar "
                "Uppföljningarna sker inom ramen för enhetens ansvarsområde enligt plan"
            ),
            "steer": "Enheten genomför avtals- och verksamhetsuppföljningar enligt direktiv",
            "support": (
                "Allvarligare brister kommuniceras både muntligt och skriftligt och verksamheten upprättar "
                "handlingsplan. Verksamheten får vid behov råd och stöd i frågor rörande kvalitetsarbete"
            ),
        },
        follow_up=(
            "Eventuella handlingsplaner följs upp inom angiven tid. Kvarstående allvarliga brister rapporteras "
            "till Äldreförvaltningen och Socialförvaltningen, alternativt ledningen för avdelningen Äldre och "
            "funktionsnedsättning, enligt särskild ordning. Genomförda avtals- och verksamhetsuppföljningar "
            "rapporteras till Äldreförvaltningen, Socialförvaltningen samt stadsdelsnämnden och berörda enheter "
            "utifrån fastställda krav. Uppföljning sker i samband med tertialrapport 1och 2 samt "
            "verksamhetsberättelsen."
        ),
    ),
    SeedCommitment(
        committee_goal=PLANNING,
        title="Internkontrollen säkerställer kvaliteten i verksamheterna",
        expected_result="Nämndens verksamheter följer de lagar och riktlinjer som reglerar verksamheterna.",
        ways_of_working={
            "plan": (
                "I samband med framtagande av nämndens verksamhetsplan fastställs årets internkontrollplan. Inom "
                "enheten sker därefter ett planeringsarbete avseende upplägg för kommande år. Enheten ansvarar för "
                "att genomföra granskningar utifrån nämndens internkontrollplan. Enligt planen genomförs "
                "internkontrollen enligt följande modell:\nMars-juni: uppföljning av föregående års "
                "handlingsplaner.\nApril-november: granskning av innevarande års internkontrollplan."
            ),
            "steer": (
                "Internkontrollens syfte är att säkerställa att nämndens verksamheter följer de lagar och riktlinjer "
                "som reglerar verksamheterna. I förlängningen leder det till en ökad rättsäkerhet och en högre "
                "kvalitet. I samband med att internkontrollen genomförs av en utomstående part (medarbetare utanför "
                "verksamheten) ökar förutsättningarna för en objektiv bedömning. Resultaten presenteras för "
                "förvaltningsledningen två gånger per år i samband med rapportering till nämnd. Resultaten från "
                "internkontrollen är en del av den information som ligger till grund för framtagandet av "
                "nästkommande års verksamhetsplan och internkontrollplan. Identifierade och kvarstående brister "
                "skrivs in som åtaganden, aktiviteter eller arbetssätt i nästkommande verksamhetsplan."
            ),
            "support": (
                "I de fall där granskningsresultaten påvisar brister tas handlingsplaner fram som följs upp efter en "
                "bestämd tidpunkt. Vid behov erbjuds enheterna stöd att se över processer, ta fram rutiner osv."
            ),
        },
        follow_up=(
            "Mars-juni genomförs uppföljning av föregående års handlingsplaner som rapporteras i samband med "
            "tertialrapport 2. April till november genomförs granskning av innevarande års internkontrollplan "
            "som rapporteras i samband med verksamhetsberättelsen."
        ),
    ),
)

RESULTS_2014 = (
    SeedResult(
        committee_goal=PLANNING,
        title="Användarna har rätt kunskap i verksamhetssystemen",
        expected_result=(
            "Användarna har rätt kunskap om systemen för att kunna utföra sitt arbete. Användarna har rätt "
            "kunskaper i behörighetshanteringen till systemen. Användarna har rätt behörigheter i systemen. Vid "
            "uppdrag med särskilda granskningar i systemen minskar felaktigheter vid uppföljning."
        ),
        result=(
            "Felregistrerade beslut inom Äldre och funktionshinder samt området Individ och familj förekommer "
            "fortfarande."
        ),
        analysis=(
            "Paraplysamordnaren har sett att det bland användarna av de sociala systemen finns behov av vidare "
            "utbildningar. Paraplysamordnaren genomför under 2015 en speciell utbildningssatsning i samarbete "
            "med enheterna inom Barn och ungdom för att bredda användarnas kunskap om rutiner och riktlinjer "
            "gällande applicering in i Paraplysystemet. Vidare har paraplysamordnaren under 2014 sett att "
            "kunskaperna om behörighetsadministration kan förbättras hos användarna. Utifrån detta kommer "
            "uppföljningar att genomföras under 2015 med kontroller och utbildningar."
        ),
        next_steps=(
            "Under den årliga uppföljningen av behöriga i systemet i december 2014 beslutades att särskild "
            "utbildningssatsning kommer att genomföras för chefer och behörighetsadministratörer. En "
            "kontrollplan gällande hantering av behörighetsadministration för år 2015 lades även upp. "
            "Paraplysamordnaren arbetar under året med att ge stöd och utbildningar till användarna av sociala "
            "system. Särskilt anpassade utbildningar kommer under året att genomföras utifrån resultatet av "
            "särskilda granskningar av implementering av systemen i berörda verksamheters arbete."
        ),
        assessment=Assessment.partly_fulfilled,  # wrongly registered decisions still occur
    ),
    SeedResult(
        committee_goal=PLANNING,
        title="Budgetprocessen är tydlig",
        expected_result="Enheterna får information om och har tillgång till stöd i budgetprocessens alla delar.",
        result=(
            "Medarbetarna har arbetat med processer som ligger i budgetprocessen ex. verksamhetsplan, "
            "flerårsbudget, tertialrapporter samt verksamhetsberättelse och är väl införstådda i de olika "
            "delarna. I arbetet med samtliga produkter har styrsignaler och politiska förväntningar "
            "tydliggjorts. För att tydligare knyta resultat från lex Sarah till budgetprocessen är lex "
            "Sarah-ansvarig delaktig i arbetet med de olika rapporterna. Enhetens arbete beskrivs nedan. "
            "Medarbetaråtaganden har även tagits fram. Ex. på medarbetaråtaganden lyder ”Tydligt definiera "
            "styrsignaler utifrån KF:s budget”.\n1. Enheten planerar processen samt tidplan t ex tertialrapport "
            "och tar fram anvisningar och förslag på arbetssätt samt metod. Förslaget samkörs med "
            "ekonomiavdelningens process och tidplan.\n2. Förslaget presenteras i förvaltningsledningen eller "
            "strategiska ledningsgruppen, som godkänner och fattar beslut om genomförande.\n3. Respektive "
            "verksamhetscontroller presenterar anvisningar och tidplan på de olika avdelningarnas ledningsgrupp. "
            "I samband med underlag för budget 2015 med inriktning 2016 och 2017 påbörjades arbetet i samband "
            "med chefsforum där alla chefer var delaktiga i att ta fram underlag. Arbetet fortsatte sedan mellan "
            "verksamhetscontroller och avdelningschef.\n4. Enheten stödjer verksamheterna i arbetet och klargör "
            "styrsignaler och förväntningar.\n5. Efter avslutad process återkopplar förvaltningsledningen "
            "synpunkter på arbetet.\n6. Enheten utvärderar processen mot bakgrund av förvaltningsledningens "
            "synpunkter samt egna reflektioner.\n7. Enheten återkopplar tillsammans med respektive avdelningschef "
            "enheternas arbete och produkt t.ex. tertialrapport."
        ),
        analysis=(
            "För att enheten ska ha möjlighet att skapa en tydlig budgetprocess där enheterna har rätt "
            "information och tillgång till stöd i budgetprocessens alla delar är det avgörande att "
            "avdelningscheferna förankrar arbetet inom respektive avdelning. Enheten har inga egna mandat att "
            "besluta eller styra vilka områden som är prioriterade. För att förutsättningar ska finnas är därför "
            "samarbetet mellan enheten och avdelningscheferna central."
        ),
        next_steps="Enheten arbetar enligt verksamhetsidén planera, styra, stödja och följa upp som beskrivs på sida 41.",
        assessment=Assessment.fulfilled,
    ),
    SeedResult(
        committee_goal=PLANNING,
        title="Enheten arbetar utifrån givna uppdrag",
        expected_result="Enhetens arbete bidrar till utveckling och kvalitet i verksamheterna.",
        result=(
            "Enheten arbetade under året med att utveckla samt tydliggöra strukturen för genomförande av "
            "processer samt uppdrag och resultat. Som ett led av detta har mötesstrukturen tydliggjorts och ett "
            "kvalitetsmöte har införts varje vecka. Omvärldsbevakning har också blivit en viktig del i detta "
            "arbete såsom att enhetens medarbetare bevakar resultaten av budgetsprocesser och rapporter inom "
            "några andra stadsdelar var."
        ),
        analysis=(
            "Mot bakgrund av föregående års arbete har enheten valt att ta fram ett nytt åtagande inför 2015 med "
            "ett tydligt uppdragsfokus. Det har också blivit viktigare att kunna se vilken utveckling och "
            "kvalitet som enheten bidragit till."
        ),
        next_steps="Enheten arbetar enligt verksamhetsidén planera, styra, stödja och följa upp som beskrivs på sida 42.",
        assessment=Assessment.fulfilled,
    ),
    SeedResult(
        committee_goal=PLANNING,
        title="Lex Sarah utreds och bedöms skyndsamt enligt gällande lagstiftning",
        expected_result=(
            "Lex Sarah hanteringen sker i enlighet med gällande lagstiftning på ett rättssäkert sätt. Berörda "
            "medarbetare är informerade om lex Sarah-bestämmelserna och medarbetarnas skyldighet att rapportera "
            "missförhållande eller påtaglig risk för missförhållande."
        ),
        result=(
            "Inkomna lex Sarah-rapporter har utretts enligt gällande bestämmelser. År 2014 inkom 19 lex Sarah "
            "rapporter. Lex Sarah rapporteringana kom från alla berörda verksamhetsområden. Ingen av rapporterna "
            "bedömdes vara ett så allvarligt missförhållande eller utgjorde en påtaglig risk för "
            "missförhållande, så att de skickades vidare till Inspektionen för vård och omsorg (IVO). De flesta "
            "rapporter har utmynnat i nya eller ändrade rutiner som har haft som målsättning att öka kvalitén i "
            "verksamheterna. Det visar på att kvalitetsarbetet med lex Sarah är ett bra instrument för ökad "
            "kvalitet i de berörda verksamheterna."
        ),
        analysis=(
            "Implementeringen av lex Sarah hos medarbetarna har givit resultat, men det behövs tydliga rutiner i "
            "verksamheterna när behov av utbildning/fortbildning i skyldigheten att lex Sarah-rapportera som "
            "medarbetare och chefernas ansvar att vidta åtgärder vid missförhållanden."
        ),
        next_steps=(
            "En plan för hur den fortsatta implementeringen ska se ut gällande att utbilda chefer och "
            "medarbetare ska upprättas med målsättning att lex Sarah blir en del i verksamheternas "
            "ledningssystem för ett systematiskt kvalitetsarbete. Årets lex Sarah-rapporter kommer att ingå som "
            "en del i kvalitetsutvecklingsarbetet och beaktas i samband med verksamhetsplans-processen inom "
            "berörda verksamheter."
        ),
        assessment=Assessment.fulfilled,
    ),
    SeedResult(
        committee_goal=WORK_ENVIRONMENT,
        title="Arbetsmiljön är god",
        expected_result=(
            "Medarbetarna har en god arbetsmiljö, sjukfrånvaron är lägre än 2 procent och AMI ligger 5 "
            "procentenheter över förvaltningens resultat. Medarbetarna är delaktiga i att planera och följa upp "
            "enhetens arbete. Mål och resultatkrav är tydliga."
        ),
        result=(
            "Medarbetarna var engagerade och upplevde att de kunde påverka sin arbetssituation. I "
            "medarbetarenkäten har samtliga svarat att de har en god arbetsmiljö. AMI är 98, vilket är högst i "
            "förvaltningen. 83 är snitt i förvaltningen, 88 är snitt i Strategiska staben. Sjukfrånvaron var "
            "under 1 procent."
        ),
        analysis=(
            "Medarbetarna har tillsammans med chefen goda möjligheter att påverka sin vardag och "
            "arbetsplanering. Enheten arbetade med 2013 års resultat (staben AMI 88) och genomförde förändringar "
            "inom de områden där medarbetarna upplevt att förändring behövt ske. På veckomötena har också "
            "förbättringsförslag tagits upp och förändringar har skett i de situationer det varit möjligt. Inga "
            "direkta förbättringsområden har ringats in, men arbetsbelastningen upplevdes fortfarande periodvis "
            "som hög."
        ),
        next_steps=(
            "Arbetet fortgår för att behålla de goda resultaten och fortsätta att förstärka de delar som upplevs "
            "ge en god arbetsmiljö. Enhetens verksamhetsplan som ligger till grund för årets arbete har fått "
            "stort utrymme. Samtliga medarbetare delar ansvaret för verksamhetsplanen genom engagemang, "
            "delaktighet och dialog. Medarbetare planerar och tar ansvar för sina arbetsuppgifter och upplägg. "
            "Enheten har valt ut ett antal frågor från medarbetarenkäten, vilka kännetecknar en god arbetsmiljö. "
            "Enheten mäter sitt resultat mot dessa.\n3. Vi har tydliga mål på min arbetsplats.\n4. På min "
            "arbetsplats prövar vi nya arbetssätt för att utveckla verksamheten.\n7. Jag har en bra "
            "arbetssituation\n8. Jag känner att jag kan göra ett gott arbete.\n22. Min chef och jag för en dialog "
            "om mål och resultatkrav så att jag förstår hur jag kan bidra.\n24. Min chef ger mig stöd i "
            "prioriteringar mellan arbetsuppgifter, när jag behöver.\n25. Min chef följer upp att det vi bestämt "
            "blir gjort.\n26. Min chef ställer tydliga krav på mig.\n27. Jag får veta av min chef om jag inte "
            "skulle göra ett gott arbete."
        ),
        assessment=Assessment.fulfilled,
        # Four of the five parts are reported reached (AMI 98 against the administration's 83, sick
        # leave below 1 %); clear goals are not reported on, so the rule suggests partly fulfilled.
        reached_item_ids=("god-arbetsmiljo", "sjukfranvaro", "ami", "delaktighet"),
    ),
    SeedResult(
        committee_goal=PROCUREMENT,
        title="Enheten har god kunskap om verksamhets- och avtalsuppföljningar",
        expected_result="Enheten säkerställer en god kvalitet i samband med verksamhets- och avtalsuppföljningar.",
        result=(
            "Under året genomfördes 26 verksamhetsuppföljningar och fyra uppföljningar av entreprenadavtal. En "
            "oanmäld nattillsyn genomfördes på vård- och omsorgsboendena i stadsdelen. Vissa enheter har, på "
            "grund av brister i verksamheten, följts upp vid flera tillfällen under året. Vissa brister "
            "rapporterades även in till Äldreförvaltningen."
        ),
        analysis=(
            "Behov finns av att säkerställa processen på sikt samt höja kunskapsnivån inom enheten. En "
            "systematisering av processen behöver göras."
        ),
        next_steps=(
            "Arbete fortgår under året med genomförandet av de olika uppföljningarna. Enheten tar del av aktuell "
            "information samt ingår i Äldreförvaltningens och Socialförvaltningens centrala uppföljarnätverk "
            "samt regionalt nätverk för Västerorts uppföljare."
        ),
        assessment=Assessment.partly_fulfilled,  # the process needs systematising, says the analysis
    ),
    SeedResult(
        committee_goal=PLANNING,
        title="Internkontrollen säkerställer kvaliteten i verksamheterna",
        expected_result="Nämndens verksamheter följer de lagar och riktlinjer som reglerar verksamheterna.",
        result=(
            "Under året genomfördes arbetet enligt planering. Resultaten från internkontrollen användes som "
            "underlag för förbättring och kvalitetshöjning i verksamheterna. Bl.a. samlades resultaten och fanns "
            "med som en del i arbetet med verksamhetsplanen för 2015. I de fall där resultaten av granskningarna "
            "inte var tillfredsställande har handlingsplaner upprättats i samråd med ansvarig avdelningschef. "
            "Resultatet rapporterades till nämnd i samband med verksamhetsberättelsen."
        ),
        analysis=(
            "De resultat som internkontrollen för 2013 och 2014 har gett har tillsammans med revisorernas "
            "granskningar utgjort underlag för arbetet med verksamhetsplan 2015. Resultaten ligger till grund "
            "för fortsatt utveckling. För att ytterligare stödja enheterna i arbetet med internkontroll har en "
            "person utsetts som ansvarig för internkontrollarbetet. Den personen kommer arbeta mer aktivt med "
            "att stödja enheterna efter att granskningsresultaten presenterats."
        ),
        next_steps=(
            "I samband med framtagande av nämndens verksamhetsplan fastställs årets internkontrollplan. Inom "
            "enheten sker därefter ett planeringsarbete avseende upplägg för kommande år. Under mars-juni "
            "genomförs uppföljningar av föregående års handlingsplaner. Under april-november genomförs "
            "granskningar av innevarande års internkontrollplan. Resultaten av internkontrollen presenteras för "
            "förvaltningsledningen två gånger per år i samband med rapportering till nämnd. Identifierade och "
            "kvarstående brister i resultatet av föregående års internkontroll skrivs in som åtaganden, "
            "aktiviteter eller arbetssätt i nästkommande verksamhetsplan. I de fall där granskningsresultaten "
            "påvisar brister tas handlingsplaner fram som följs upp efter en bestämd tidpunkt. Vid behov erbjuds "
            "enheterna stöd att se över processer, ta fram rutiner osv."
        ),
        assessment=Assessment.fulfilled,
    ),
)
