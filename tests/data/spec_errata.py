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
    r"POST /messages: body message(: required|/fromemail not documented)":
        "the schema requires 'email', but its request example (and the API) use 'fromemail'",
    r"POST /messages: body message/name not documented":
        "the request schema lists five fields (fromname, email, reply2, subject, preheader_text), while a "
        "message record (the example of GET /messages/{id}) has name, html, text and the rest; the provider "
        "names its message (name, the key a retried create looks it up by), as the record holds it",
    r"POST /contactLists: body contactList/status: type":
        "the schema says status is a string, its own request example sends the number 1",
    r"POST /fieldOption/bulk: body (\(top\): required|fieldOptions not documented)":
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
    r"POST /dealTasks: body dealTask/edate not documented":
        "the request schema of POST /dealTasks (and PUT /dealTasks/{id}) lists no edate, yet its own request "
        "example sends one ('duedate': '2017-02-25T12:00:00-06:00', 'edate': '2017-02-25T12:15:00-06:00') and "
        "every reply example and the list schema carry it (type string, a date-time 15 minutes after duedate): "
        "the task's end, which the API keeps and returns; the provider sends end_date as edate, as the "
        "example does (the schema also says duedate is format: date, against every example's date-time)",
    r"GET /dealTasks: query filters\[due_before\] not documented":
        "the document spells the parameter 'Fitlers[due_before]' (a typo); the provider sends filters[due_before]",
    r"GET /automations/\{automationId\}: reply ((automations|meta) missing|automation not documented)":
        "the example of getting one automation is the list example (automations + meta), not {automation}",
    r"POST /fields: reply ((fieldOptions|fieldRels|fields|meta) missing|field not documented)":
        "the example of creating a field is the list reply of GET /fields (two fields, fieldOptions, fieldRels, "
        "meta); its own request sends one {field}, and a create answers the record it made as {field}, like "
        "every other create of the document",
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
    r"(POST|PUT) /deals(/\{id\})?: reply deal\.fields missing":
        "a written deal's custom field values are echoed only when the request sent some",
    r"POST /accounts: reply account\.fields missing":
        "a written account's custom field values are not echoed",
}

KNOWN: dict[str, str] = {**ERRATA, **EMULATOR_GAPS}


# --------------------------------------------------------------------------- fidelity suite (h7)
# Problems of tests/fidelity/test_document.py (every operation of the document, asked of the
# emulator), beyond KNOWN above: where the document contradicts itself or the API, and where the
# emulator knowingly answers otherwise (each also listed in docs/testing.md).

FIDELITY: dict[str, str] = {
    # the document's errors
    r"DELETE /dealTasktypes/\{id\}: status 200 not documented":
        "only 403 is documented for deleting a task type; a delete that succeeds answers 200 {} like every delete",
    r"PUT /dealTasks/\{id\}: status 200 not documented":
        "the update of a task documents only 201 (copied from create); an update answers 200",
    r"GET /automations/\{id\}: reply (automations missing|automation not documented)":
        "the document has this path twice; both examples of getting one automation are the list example",
    r"GET /accountContacts(/\{id\})?: reply meta(\.queryLog)? missing":
        "meta.queryLog is a debugging dump of the SQL the API ran, shown in the examples only",
    r"PUT /customObjects/schemas/\{schemaId\}: reply schema\.appId missing":
        "appId is given only for schemas an app made (its example sends one); a schema without one has none",
    r"(POST|PUT) /tasktypeOutcomeRels(/\{id\})?: "
    r"(body \(top\): required|body tasktypeOutcomeRel not documented|reply taskOutcome missing|"
    r"reply tasktypeOutcomeRel not documented)":
        "the document copies POST /taskOutcomes here: a taskOutcome envelope in the request schema and reply; "
        "a task type's outcome relation is sent and answered as tasktypeOutcomeRel, like its GET",
    r"(POST|PATCH) /(deal|account)CustomFieldData/bulk(Create|Update): body \(top\): type":
        "the request schema describes one object; the document's own example (and the API) send a list of them",
    r"GET /((account|deal)CustomField(Data|Meta)|ecomOrderProducts): reply meta not documented":
        "the examples of these five collections leave out meta, which the document's paging convention gives "
        "every collection (conventions: 'response_total_field: meta.total', collections come back 'alongside "
        "meta') and every other collection's example has; the provider pages by meta.total. (Sub-collections "
        "such as /contacts/{id}/contactLists have no meta in any example, and the emulator sends none there.)",
    r"POST /dealRoles: body dealRole not documented":
        "the request schema names title at the top level, without the dealRole envelope of every other create "
        "and of this resource's own replies ({dealRole}, {dealRoles}); the document gives no request example. "
        "The emulator takes the envelope, as everywhere",
    r"(GET|POST|PUT) /(campaigns|lists|tags)(/\{id\})?: reply (campaign|list|tag)s?\.(created|updated)_(timestamp|by) "
    r"not documented":
        "the document names these fields for other records (bounce logs, contact data...) but not for lists, "
        "campaigns and tags, which the API's clients' schemas give them (Singer tap-activecampaign lists.json, "
        "campaigns.json, tags.json, replicated by updated_timestamp): see FIELD_DECISIONS",
    # what the emulator knowingly does not model (docs/testing.md lists them too)
    r"PUT /users/\{id\}: reply (userGroups|user\.userGroup) missing":
        "a user's group membership is kept but not side-loaded on update",
}

#: Decisions on fields the document's examples leave out, from the API's clients' schemas.
FIELD_DECISIONS: dict[str, str] = {
    "lists, campaigns, tags, contact tags: created_timestamp, updated_timestamp, created_by, updated_by":
        "the Singer tap-activecampaign schemas (lists.json, campaigns.json, tags.json, contact_tags.json) have "
        "them and replicate campaigns and lists by updated_timestamp; the document's own examples of other "
        "records (bounce logs, contact data) write them 'YYYY-MM-DD HH:MM:SS' (account time): the emulator "
        "gives them so, from cdate and udate/mdate (a record never updated: its cdate), by null",
    "GET /api/3/": "the API's own documentation checks a key with `curl -H 'Api-Token: ...' .../api/3/`, and "
                   "the Singer tap checks it before every run: it answers 200 (here with {}) to a good key and "
                   "403 to a bad one",
    "deletes of deals, pipelines, custom object schemas and records": "the document gives application/json "
        "with an empty example; an empty body is not JSON (a third-party client crashed on it, with or without "
        "the Content-Type), and every other delete is documented as {}: the emulator answers {} as JSON",
    "limit and offset": "the document: limit is the number of results per page (default 20, at most 100); "
                        "the emulator refuses limit < 1, offset < 0 and non-numbers with 400 (strictest reading: "
                        "it never pages otherwise than asked) and reads a limit above 100 as 100",
}
