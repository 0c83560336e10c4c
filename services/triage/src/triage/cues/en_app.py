"""English cues for application problems (classes 3-5) and questions / changes (class 6)."""

from __future__ import annotations

from functools import partial

from triage.lexicon import Cue, Trait, cue

_en = partial(cue, "en")
T = Trait

# Scope cues decide between "the whole application" (class 3) and "one part of it" (4, 5).
SCOPE_CUES: tuple[Cue, ...] = (
    _en(
        "an error on every page",
        r"\b(?:(?:on )?every (?:single )?(?:page|route|url|link|screen|request)|all (?:the )?pages"
        r"|any (?:page|link|route))\b",
        {3: 3},
        T.OUTAGE,
    ),
    _en(
        "a whole-application outage",
        r"\b(?:(?:the )?(?:entire|whole) (?:\w+ )?(?:site|website|portal|app|application|shop"
        r"|store|platform|system)|everything is down|(?:completely|totally) down|(?:site|portal"
        r"|app|website) (?:is |has been )?(?:completely|totally) (?:down|unavailable|broken))",
        {3: 2.5},
        T.OUTAGE,
    ),
    _en(
        "an application that does not start for anyone",
        r"\b(?:(?:blank )?white (?:page|screen)|blank page|crash(?:es|ing)? (?:on|at) (?:launch"
        r"|start(?:up)?)|crash for (?:basically )?everyone|unusable|inoperable)",
        {3: 3},
        T.OUTAGE,
    ),
    _en(
        "nobody being able to use it",
        r"\b(?:(?:no ?one|nobody|none of (?:our|the) (?:\d+ )?\w+)(?: \w+){0,3} (?:can|could"
        r"|is able to)"
        r"|for all (?:our )?users|nobody can use it|we can'?t even log ?in)",
        {3: 2.5},
        T.OUTAGE,
    ),
    _en(
        "an application-wide error page",
        r"\b(?:500 internal server error|internal server error|http 500|error 500|returns? (?:a )?"
        r"\"?500|fatal error|application error|unexpected error|error establishing a database "
        r"connection|exception|stack trace)",
        {3: 2},
        T.OUTAGE,
        negatable=True,
    ),
    _en(
        "an application stuck in maintenance mode",
        r"\b(?:maintenance mode|briefly unavailable for scheduled maintenance"
        r"|stuck in maintenance)",
        {3: 3},
        T.OUTAGE,
        T.OPS,
    ),
    _en(
        "a site that is down",
        r"\b(?:(?:site|website|portal|app|shop|store)s? (?:is |are |was )?(?:down|not working"
        r"|not loading|unavailable|offline)|everything is down)",
        {3: 1.5, 2: 0.5, 1: 0.5},
        T.OUTAGE,
    ),
    _en(
        "a problem after a release",
        r"\b(?:(?:after|since) (?:the |our |your |last night'?s |yesterday'?s |today'?s )?"
        r"(?:latest |new |last )?(?:release|deploy(?:ment)?|build|rollout|plugin updates?)"
        r"|(?:since|after) "
        r"(?:we|you|they|he|she) (?:shipped|deployed|released|pushed)|(?:new|latest) (?:build"
        r"|release)|hotfix|roll ?back)",
        {3: 1.5, 4: 0.5, 1: -1},
    ),
    _en(
        "preventive maintenance of the application",
        r"\b(?:(?:preventive|preventative|routine|quarterly|monthly) maintenance|apply (?:the )?"
        r"(?:latest )?(?:security )?patches|update (?:the )?(?:extensions|plugins|modules|core|cms)"
        r"|reindex)",
        {3: 2.5},
        T.PLANNED,
    ),
    _en(
        "the rest of the application working",
        r"\b(?:rest of the (?:site|website|app|portal|crm|store|shop)s? (?:\w+ )?(?:works|loads|is "
        r"fine)|everything else (?:on the site |in the \w+ )?(?:is|looks|seems|works)|other \w+ "
        r"(?:look|are|work) (?:fine|ok)|(?:site|portal|app) (?:itself )?(?:works|loads) (?:fine"
        r"|normally)|(?:portal|site|app) otherwise works|otherwise works)",
        {3: -3, 1: -1, 4: 0.5, 5: 0.5},
    ),
    _en(
        "an application that still works, just badly",
        r"\b(?:(?:it )?does load|loads eventually|still (?:works|loads|lets))",
        {3: -2, 4: 1},
    ),
    _en(
        "a configuration change",
        r"\b(?:(?:changed|updated|edited|modified|wrong|broken|after changing) (?:the |our )?"
        r"(?:\w+ )?(?:config(?:uration)?|settings|\.env|credentials|password)|misconfigur\w*"
        r"|too[ _]many[ _]redirects|redirect loop|allowed memory size|memory limit)",
        {},
        T.OPS,
    ),
    _en(
        "a code-level defect",
        r"\b(?:custom (?:module|code|plugin)|deprecated|removed functions|missing a module"
        r"|classnotfound\w*|null ?pointer|undefined (?:method|function|index))",
        {3: 0.5},
        T.CODE,
    ),
)

BUSINESS_CUES: tuple[Cue, ...] = (
    _en(
        "a key business process",
        r"\b(?:orders?|checkout|cart|basket|payments?|pay by card|billing|subscriptions?|recurring "
        r"(?:charges|payments)|booking|appointments?|reservations?|consultations?|invoices?"
        r"|quotes?|deals?|leads?|tasks?|assignees?|crm|erp|prices?|price-list|pricing|discounts?"
        r"|promo(?:tion)?(?: codes?)?|coupons?|tax|totals?|shipping|delivery)\b",
        {4: 1.5},
    ),
    _en(
        "something that stopped working",
        r"\b(?:not (?:being )?(?:\w+ing|going through|processed|visible|sent|delivered|created"
        r"|saved|synced|updated)|never (?:reach|arrive|appear|show|get)\w*"
        r"|(?:can'?t|cannot|could ?n'?t|unable to) (?:be )?(?:save|saved|place|pay|complete"
        r"|submit|process|book|create|assign)|stopped \w+ing|fails?|failed"
        r"|failing|broken|aren'?t \w+ing|(?:does|do|did|wo) ?n'?t (?:work|submit|load|open|save"
        r"|send"
        r"|show|appear|arrive)|missing|disappear\w*|is empty|shows? zeros?)\b",
        {4: 1, 5: 0.5, 3: 0.5},
        T.DEFECT,
        T.SYMPTOM,
        negatable=True,
    ),
    _en(
        "wrong business logic",
        r"\b(?:wrong|incorrect(?:ly)?|miscalculat\w*|calculated wrong|does ?n'?t match|applied "
        r"twice|double[- ]?charg\w*|overcharg\w*|without the (?:\w+ )?discount)",
        {4: 2, 5: 1},
        T.DEFECT,
        T.CODE,
        T.SYMPTOM,
        negatable=True,
    ),
    _en(
        "harm to sales or customers",
        r"\b(?:customers (?:are )?(?:complaining|leaving|can'?t)|losing (?:sales|orders|money"
        r"|customers)|(?:lost|cancell?ed) (?:\w+ )?orders|revenue|conversion|overcharged"
        r"|(?:have|had) to (?:pause|cancel))",
        {4: 2},
        T.SYMPTOM,
    ),
    _en(
        "slowness",
        r"\b(?:(?:super |very |really )?slow(?:ly)?|sluggish|crawling|takes? (?:~?\d+|ages|forever)"
        r"|\d+(?:[-–]\d+)? ?(?:sec|secs|seconds)\b|timeouts?)",
        {4: 1.5, 5: 1},
        T.PERF,
        T.SYMPTOM,
        negatable=True,
    ),
)

COMPONENT_CUES: tuple[Cue, ...] = (
    _en(
        "a single component",
        r"\b(?:widget|sidebar|footer|header|slider|carousel|feed|map|block|section|report|chart"
        r"|(?:contact|signup|sign-up|subscription|newsletter|feedback) form|images|photos|icons"
        r"|gallery|one page|a single page|search (?:box|bar|field|widget|results?|page))s?\b",
        {5: 1.5},
        T.DEFECT,
        negatable=True,
    ),
    _en(
        "'not urgent'",
        r"\b(?:small thing|minor|not critical|non-critical|cosmetic|no rush|not urgent|low priority"
        r"|when you have (?:a moment|time))\b",
        {5: 1, 6: 1, 3: -1.5, 4: -1.5, 2: -0.5, 1: -1},
        T.CALM,
    ),
    _en(
        "a DDoS attack",
        r"\b(?:d?dos(?:ed|ing)?|flood(?:ed|ing)|botnet|(?:huge|massive) spike in (?:traffic"
        r"|requests)|thousands of (?:different )?ips)\b",
        {5: 4},
        T.SECURITY,
        negatable=True,
    ),
    _en(
        "a password-guessing attack",
        r"\b(?:brute[- ]?force|failed login(?: attempt)?s?|(?:login|log-?in|sign-?in) attempts"
        r"|(?:keeps? |are )?trying to log ?in as|attempts per (?:hour|minute)|password guessing"
        r"|credential stuffing)",
        {5: 4},
        T.SECURITY,
        negatable=True,
    ),
    _en(
        "malware",
        r"\b(?:malware|virus(?:es)?|infect(?:ed|ion)|trojan|backdoor|web ?shell|crypto[- ]?miner"
        r"|deceptive site|phishing|blacklisted|flagged as (?:dangerous|unsafe)|injected (?:code"
        r"|scripts?|js))",
        {5: 4},
        T.SECURITY,
        negatable=True,
    ),
    _en(
        "an intrusion",
        r"\b(?:hack(?:ed|ers?)|defac\w+|compromised|breach|intru(?:der|sion)"
        r"|unauthori[sz]ed (?:access"
        r"|login)|suspicious (?:login|activity|process)|someone logged in|logged into our \w+ "
        r"(?:account )?from)",
        {5: 4},
        T.SECURITY,
        negatable=True,
    ),
    _en(
        "software nobody installed",
        r"\b(?:we did ?n'?t install|(?:weird|unknown|strange|unfamiliar) (?:process|crontab|cron"
        r"|script|file|user|entry)|kill it and it comes back)",
        {5: 4},
        T.SECURITY,
    ),
    _en(
        "a vulnerability",
        r"\b(?:vulnerab\w+|xss|sql injection|csrf|cve-\d+|pentest|penetration test|security "
        r"researcher|exploit)",
        {5: 4},
        T.SECURITY,
    ),
)

QUESTION_CUES: tuple[Cue, ...] = (
    _en(
        "a how-to question",
        r"\b(?:how (?:do|can|should|would) (?:i|we|you)|how to|where (?:do|can|should) (?:i|we)"
        r"|is it possible to|can (?:i|we) (?:change|add|export|set))\b",
        {6: 3},
        T.HOWTO,
    ),
    _en(
        "a question",
        r"\b(?:(?:just )?a (?:quick )?question|quick q\b|question about|could you (?:tell|explain"
        r"|clarify)|can you tell|do we need to|is it renewed|what (?:do|should) we)",
        {6: 2},
        T.HOWTO,
    ),
    _en(
        "a documentation request",
        r"\b(?:documentation|docs|manual|user guide|instructions?|tutorial|sandbox)\b",
        {6: 2},
        T.HOWTO,
    ),
    _en(
        "writing documentation",
        r"\b(?:write|prepare|create|draft) (?:the |a |our |some )?(?:user |technical |api )?"
        r"(?:documentation|docs|manual|guide)",
        {6: 3},
        T.CHANGE,
    ),
    _en(
        "'not an incident'",
        r"\b(?:not a bug|nothing (?:is )?broken|(?:everything|all) (?:is )?working|not an? "
        r"(?:incident|problem|issue)|nothing (?:is )?wrong(?! on their))",
        {6: 2.5, 3: -2, 4: -2, 5: -1, 2: -1, 1: -1},
        T.CALM,
    ),
    _en(
        "a change request",
        r"\b(?:feature request|integrat\w+ with|propose an? (?:approach|solution)|(?:we'?d"
        r"|we would|would) like to (?:add|have|get|change)|could "
        r"(?:we|you) (?:get|add|replace|change|build|implement)|please (?:add|replace|change"
        r"|implement)|new feature|enhancement|improvement|estimate|how (?:long|much) (?:it )?would "
        r"(?:it )?(?:take|cost)|what it would cost)\b",
        {6: 2.5},
        T.CHANGE,
    ),
)
