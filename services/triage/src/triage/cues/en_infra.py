"""English cues for non-core mail, provider (class 1) and server (class 2) problems."""

from __future__ import annotations

from functools import partial

from triage.lexicon import NON_CORE, Cue, Trait, cue

_en = partial(cue, "en")
_any = partial(cue, "any")
T = Trait

NON_CORE_CUES: tuple[Cue, ...] = (
    _en(
        "a job application",
        r"\b(?:my (?:cv|resume)|(?:cv|resume) (?:is )?attached|hiring manager"
        r"|join your (?:\w+ )?team|job (?:application|opening)|apply for (?:the |a )?(?:\w+ )?"
        r"(?:\w+ )?(?:position|role|job)|vacanc(?:y|ies)|applying for the)",
        {NON_CORE: 4},
    ),
    _en(
        "advertising / SEO spam",
        r"\b(?:seo (?:company|services|agency|experts?)|guaranteed (?:top|rankings?|results)"
        r"|(?:first|1st) page (?:of |on )?google|backlinks|free (?:seo )?audit|unsubscribe"
        r"|top ?10 rankings|limited[- ]time offer|you have won|lottery|inheritance|bank details"
        r"|remove me from (?:your|the) (?:mailing|email) list)",
        {NON_CORE: 4},
    ),
    _en(
        "an advertisement or invitation",
        r"\b(?:we (?:sell|offer|provide|are offering) (?:\w+ ){0,3}(?:at|for|with)|wholesale prices"
        r"|special offer|are you interested|partnership proposal|(?:we )?invite you to)",
        {NON_CORE: 2.5},
    ),
    _en(
        "a sales inquiry from a prospect",
        r"\b(?:(?:we are |we're )?not (?:yet |current )?(?:your )?(?:customers|clients)"
        r"|looking for someone to build|build (?:us )?a (?:new )?website|send us your pricing"
        r"|request for (?:a )?proposal)",
        {NON_CORE: 3},
    ),
    _en(
        "a billing / accounting request",
        r"\b(?:copy of (?:the |our )?\w+ invoice|invoice (?:re-?issued|copy)"
        r"|re-?issue (?:the |our )?invoice|vat (?:number|id)|whoever handles billing"
        r"|accounting department|credit note)",
        {NON_CORE: 3},
    ),
    _en(
        "a wrong address / wrong number",
        r"\b(?:wrong number|book a table|not a client|no technical request|wrong (?:address|person)"
        r"|(?:is this|i thought this was) the (?:\w+ )?(?:clinic|restaurant|pharmacy|hospital|bank"
        r"|taxi|hotel))",
        {NON_CORE: 4},
    ),
    _en(
        "a call meant for another business",
        r"^(?:hello|hi|good \w+)?\W*is (?:this|that) (?:the )?\w+\?",
        {NON_CORE: 2},
    ),
    _en(
        "a thank-you note without a request",
        r"^\W*(?:thanks?|thank you|many thanks)\b[^?]{0,100}$",
        {NON_CORE: 4},
    ),
)

PROVIDER_CUES: tuple[Cue, ...] = (
    _en(
        "the hosting provider",
        r"\b(?:hosting (?:provider|company|co\b)|web ?host\b|hoster|the host(?:'s)?\b"
        r"|hosting panel)",
        {1: 1},
    ),
    _en(
        "a datacenter problem",
        r"\b(?:data ?cent(?:er|re)s?|colocation|colo facility|(?:their|provider'?s?|\w+'s) "
        r"(?:\w+ )?facility|server room at the provider)",
        {1: 2.5},
    ),
    _en(
        "an ISP / network provider outage",
        r"\b(?:isp|(?:internet|fib(?:er|re)|telecom|network) (?:service )?provider|fib(?:er|re) cut"
        r"|leased line|uplink|upstream provider|cut the (?:line|cable)|no connectivity)\b",
        {1: 3},
    ),
    _any(
        "a CDN / proxy provider",
        r"\b(?:cdn|cloudflare|akamai|fastly|cloudfront|bunny ?cdn|pull zone|edge (?:server|storage"
        r"|node|location)s?)\b",
        {1: 3},
    ),
    _en(
        "a power failure",
        r"\b(?:power (?:outage|failure|cut|loss|distribution)|lost (?:all )?power|no power"
        r"|generator power|\bups\b|pdus?\b|blackout)",
        {1: 3},
        T.OUTAGE,
    ),
    _any(
        "a cloud / hosting company",
        r"\b(?:aws|amazon web services|ec2|ebs|azure|google cloud|gcp|digitalocean|linode|hetzner"
        r"|ovh|vultr|scaleway|rackspace|godaddy|namecheap|bluehost|siteground|selectel|timeweb"
        r"|beget|reg\.ru|firstvds|sprinthost|yandex cloud|vk cloud)\b",
        {1: 1.5},
    ),
    _en(
        "a provider status page incident",
        r"\b(?:status (?:page|dashboard)|health dashboard|(?:major|partial) outage|status\.\w+"
        r"|\w+status\.com)",
        {1: 2.5},
        T.OUTAGE,
    ),
    _en(
        "provider-side hardware / virtualization failure",
        r"\b(?:host (?:node|machine)|hardware (?:issue|failure|fault|problem)|(?:drive|disk|psu)s? "
        r"(?:has |have )?failed|raid\d? (?:is )?degraded|drive swap|hypervisor"
        r"|virtuali[sz]ation (?:host|node|platform)|node is unavailable)",
        {1: 3},
    ),
    _en(
        "a DNS provider / registrar outage",
        r"\b(?:dns (?:provider|hosting|resolution)|registrar|name ?servers?|ns records?|nxdomain"
        r"|(?:stopped|not) resolving)",
        {1: 2.5},
        T.OUTAGE,
    ),
    _en(
        "a request to deal with a third party",
        r"\b(?:open a (?:case|ticket) with|follow up with (?:them|the host|the provider)|coordinate"
        r" (?:this )?with (?:them|the \w+|their \w+)|keep (?:an eye on it|us posted)|stay in "
        r"contact with|no eta|(?:they|provider) (?:are|is) working on it)",
        {1: 1.5},
    ),
    _en(
        "a network outage",
        r"\b(?:network(?:ing)?|connectivity|routing|backbone) (?:outage|incident|issues?|problems?"
        r"|failure|degradation)",
        {1: 2},
        T.OUTAGE,
    ),
    _en(
        "a site unreachable from outside only",
        r"\b(?:unreachable|not reachable|inaccessible|down) from (?:the )?outside|no internet "
        r"(?:at all|in the office)",
        {1: 2, 2: -1},
        T.OUTAGE,
    ),
    _en(
        "'we changed nothing'",
        r"\b(?:we (?:changed|touched|deployed) nothing|(?:we )?did ?n'?t (?:deploy|change|touch) "
        r"anything|nothing (?:was )?changed on our side)",
        {1: 1, 2: 0.5, 3: -1},
    ),
    _en(
        "the provider reporting no problem",
        r"\b(?:(?:host|hosting|hoster)(?: co| company|'s support)? (?:says|said|confirm(?:s|ed)?|"
        r"reports?)[^.]{0,40}(?:fine|ok|okay|up|healthy|no (?:issues?|problems?)|running|serving)"
        r"|(?:everything|all) (?:is )?(?:fine|ok|green) on their (?:end|side)|node is healthy)",
        {1: -4},
    ),
    _en(
        "the server itself being healthy",
        r"\b(?:server (?:itself )?(?:is|seems|looks) (?:fine|ok|okay|up|healthy|alive|reachable)"
        r"|i can ssh|(?:mysql|the database) (?:itself )?is running)",
        {2: -3},
    ),
)

SERVER_CUES: tuple[Cue, ...] = (
    _en(
        "an unavailable server",
        r"\b(?:server (?:has been |is |went |has gone )?(?:down|offline|unreachable|unresponsive|"
        r"not responding|dead)|can'?t (?:even )?ping|ssh (?:hangs|times out|refused)"
        r"|connection refused|err_connection_timed_out|box is down)",
        {2: 3},
        T.OUTAGE,
        T.ADMIN,
        negatable=True,
    ),
    _en(
        "excessive CPU load",
        r"\b(?:(?:cpu|load avg|load average|server load)\b[^.]{0,50}(?:\d{3} ?%|pegged|maxed|high)"
        r"|(?:100 ?%|pegged at \d+%?) cpu|pegged at 100|load average:? \d{2,}"
        r"|server (?:is )?(?:overloaded|very slow|struggling))",
        {2: 3},
        T.OUTAGE,
    ),
    _any(
        "memory exhaustion on the server",
        r"\b(?:out of memory|oom(?:[- ]?killer)?|swap|ran out of (?:ram|memory)|\d+ ?gb ram)\b",
        {2: 3},
    ),
    _en(
        "a full disk",
        r"\b(?:(?:disk|drive|partition|volume|/\w+)\b[^.]{0,30}\b(?:is |are )?(?:full|at 100 ?%"
        r"|at 9\d ?%)|no space left|inodes?|extend the volume)",
        {2: 3},
    ),
    _any(
        "an operating system problem",
        r"\b(?:operating system|os (?:upgrade|update|level)|ubuntu|debian|centos|almalinux"
        r"|rocky linux|rhel|linux|kernel)\b",
        {2: 2.5},
        T.ADMIN,
    ),
    _any(
        "an OS service problem",
        r"\b(?:systemd|systemctl|journalctl|the journal|cron(?:tab|d)?|ntpd?|chronyd?|time sync"
        r"|sshd|iptables|firewall rules?)\b",
        {2: 2.5},
        T.ADMIN,
    ),
    _any(
        "a filesystem / boot problem",
        r"\b(?:emergency mode|failed to mount|fstab|file ?system|superblock|won'?t boot into)",
        {2: 2.5},
        T.ADMIN,
    ),
    _en(
        "a switch to the backup server",
        r"\b(?:backup server|stand-?by server|fail ?over|switch (?:traffic |us |over )?to (?:the )?"
        r"(?:backup|reserve|secondary))",
        {2: 3},
        T.OUTAGE,
    ),
    _en(
        "server maintenance",
        r"\b(?:(?:reboot|restart) (?:the )?(?:server|box|machine|vps)|maintenance window"
        r"|(?:schedule|plan) (?:an? )?(?:os )?upgrade)",
        {2: 2.5},
        T.PLANNED,
        T.ADMIN,
    ),
    _any(
        "a server we administer",
        r"\b(?:vps|vds|dedicated server|our server|the box|ssh|sysadmin|dmesg|h?top(?! ?\d)"
        r"|(?:web|app|db|prod|srv|mail)[-\w]*?-?\d{1,2})\b",
        {2: 1},
        T.ADMIN,
    ),
)
