"""Where the contract test (tests/contract/test_openapi_contract.py) and the spec disagree, and why.

Keys are regular expressions over its problem lines. ``ERRATA``: the published document
(tests/data/openapi-v3.json, a copy of ActiveCampaign's, second-hand) is wrong or contradicts
itself. ``EMULATOR_GAPS``: the emulator does not model a field or side-load yet (the provider
does not read them); each is a candidate for the emulator, not a licence.
Global leniency (not a line here): integers may be sent as strings of digits, as the API's own
replies give every id as a string and its docs say requests accept either.
"""

ERRATA: dict[str, str] = {
    r"GET /[A-Za-z/{}]+: query orders\[id\] not documented":
        "the provider pages every offset list in id order (orders[id]=ASC) so that records deleted or "
        "added between pages are detected; the spec documents orders[...] for few lists, and the pager "
        "finds its place by the last ids read when an API ignores the ordering",
    r"GET /api/3/organizations: not in the spec":
        "organizations are deprecated and no longer documented; old accounts still serve them "
        "(ORG-01 falls back to /accounts on 404)",
    r"POST /deals: body deal: required":
        "the schema marks title, account, contact, value, currency, group, stage and owner all required, "
        "while its own descriptions say contact OR account, group OR stage, owner only without auto-assign",
    r"POST /messages: body message: required":
        "the schema requires 'email', but its request example (and the API) use 'fromemail'",
    r"POST /contactLists: body contactList/status: type":
        "the schema says status is a string, its own request example sends the number 1",
    r"POST /fieldOption/bulk: body \(top\): required":
        "the schema describes one option, not the {\"fieldOptions\": [...]} envelope of its own example",
    r"POST /contact/sync: status 200 not documented":
        "only 201 is documented; the docs' text says 201 created, 200 updated (an existing e-mail)",
    r"GET /dealTasks(/\{id\})?: status 200 not documented":
        "the list and get of tasks document only 201 (copied from create); a read answers 200",
    r"GET /api/3/(contacts/\d+/contactTags|deals/\d+/notes|fields/\d+/options): not in the spec":
        "a retried create looks its record up in these sub-collections, which the document lists no operation "
        "for but names in its own example records' links (contact.links.contactTags = "
        "'/api/3/contacts/51/contactTags', deal.links.notes = '/api/3/deals/51/notes', field links "
        "'.../fields/1/options'); on 404 the look-up reads them the documented way (GET /contacts?tagid=&ids=, "
        "GET /notes, GET /fields/{id} with its fieldOptions)",
    r"GET /(contacts|deals): query filters\[(created|updated)_(after|before)\] not format date":
        "the document says format: date, but a date-only bound makes every Watch poll and retry look-up read "
        "whole days; the date filters are sent as date-times with an offset where the account reads the time "
        "of day, which the per-account probe (client/date_filters.py) measures by asking for one record with "
        "crafted bounds; where it finds the date-only reading, plain dates are sent (the documented format)",
    r"GET /dealTasks: query filters\[due_before\] not documented":
        "the document spells the parameter 'Fitlers[due_before]' (a typo); the provider sends filters[due_before]",
    r"GET /automations/\{automationId\}: reply (automations|meta) missing":
        "the example of getting one automation is the list example (automations + meta), not {automation}",
}

EMULATOR_GAPS: dict[str, str] = {
    r"GET /campaigns(/\{id\})?: reply campaigns?\.(activerss_\w+|deletestamp|htmlunsubdata|ip4|laststep|mail_\w+|"
    r"mailer_log_file|managetext|reminder_\w+|replysys|responder_existing|responder_offset|schedule|scheduleddate|"
    r"split_\w+|survey|textunsubdata|waitpreview|willrecur) missing":
        "campaign settings for RSS, reminders, split tests, sending machinery and surveys: not modelled, "
        "read by no operator (the run creates a campaign through the legacy campaign_create)",
    r"GET /groups(/\{id\})?: reply groups?\.(pg\w+|reqApproval\w*|sdate|socialdata) missing":
        "user-group permission flags (pg*) and approval settings: not modelled, read by no operator",
    r"GET /lists(/\{id\})?: reply lists?\.(analytics_\w+|facebook_session|twitter_token(_secret)?) missing":
        "list analytics and social-network settings: not modelled",
    r"GET /tags/\{id\}: reply tag\.subscriber_count missing": "a tag's subscriber count: not computed",
    r"GET /automations: reply meta\.(filtered|smsLogs|starts) missing": "automation list statistics: not modelled",
    r"GET /contactAutomations: reply meta\.showcase_stats missing": "automation statistics: not modelled",
    r"GET /contacts: reply contacts\.scoreValues missing": "contact scores: not modelled",
    r"GET /contacts/\{id\}/contactAutomations: reply contactAutomations\.in_als missing":
        "whether an automation entry is in an automation's 'als' state: not modelled, read by no operator",
    r"(POST|PUT) /deals(/\{id\})?: reply deal\.fields missing":
        "a written deal's custom field values are echoed only when the request sent some",
    r"POST /accounts: reply account\.fields missing":
        "a written account's custom field values are not echoed",
    r"POST /dealGroups: reply (dealGroup\.)?dealGroup(Groups|Users) missing":
        "pipeline permissions (dealGroupGroups/dealGroupUsers) are not modelled",
    r"POST /fields: reply (fieldOptions|fieldRels|fields|meta) missing":
        "a created field's reply is not side-loaded with its options and relations",
}

KNOWN: dict[str, str] = {**ERRATA, **EMULATOR_GAPS}
