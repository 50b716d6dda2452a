"""The document's operations the emulator does not serve, and why (each answers the API's 404 or 405).

docs/testing.md repeats the list for users; a test keeps it honest (an entry the emulator now
serves fails).
"""

_TYPO = "the document's typo for /taskOutcomes/{id}, where the emulator serves this method"
_EDITOR = "the campaign and message editor's internals (templates in the editor, its configuration): no state"
_GROUPS = "custom contact groups (group definitions and members) are a separate service, not modelled"

UNSERVED: dict[str, str] = {
    "PUT /campaigns/{id}/edit": "campaign editing and sending are not modelled: campaigns are read-only records "
                                "(the legacy campaign_create makes them)",
    "POST /campaign": "campaign creation through v3 is not modelled (the legacy campaign_create is)",
    "POST /campaigns/{id}/copy": "campaign copies are not modelled (campaigns are read-only records)",
    "GET /import/bulk_import": "the import list is not documented beyond its path; imports are read by "
                               "GET /import/info?batchId=",
    "GET /geoIps/{geoAddressID}/geoAddress": "geo addresses are not modelled (the emulator tracks no site visits)",
    "POST /groupMembers": _GROUPS,
    "GET /groupMembers": _GROUPS,
    "DELETE /groupMembers/{groupID}": _GROUPS,
    "GET /groupMembers/{groupID}": _GROUPS,
    "POST /groupDefinitions": _GROUPS,
    "PUT /groupMembers/{groupId}": _GROUPS,
    "POST /customObjects/schemas/public": "public (app-published) schemas belong to the app marketplace: not modelled",
    "POST /customObjects/schemas/{id}/child": "child schemas of public schemas: not modelled",
    "GET /dealGroup/get_inaccessible_deal_groups": "per-user pipeline permissions are not modelled (every user sees "
                                                  "every pipeline)",
    "GET /lists/exclusions/{id}": "exclusions are listed; their single-record replies have no envelope and "
                                  "are not modelled",
    "PUT /lists/exclusions/{id}": "exclusions are listed; their single-record replies have no envelope and "
                                  "are not modelled",
    "GET /trackingLogs/{eventId}/contact": "tracking logs are kept per contact only; the emulator tracks no events",
    "PUT /taskOutccomes/{id}": _TYPO,
    "DELETE /taskOutccomes/{id}": _TYPO,
    "POST /taskNotifications": "task reminders are sent by e-mail, which the emulator does not send",
    "POST /localevent": "an internal event endpoint without a documented effect",
    "GET /stripo/personalizationTags": _EDITOR,
    "GET /stripo/config": _EDITOR,
    "GET /content/editorMarkup/{messageId}": _EDITOR,
    "POST /form/optin": "form opt-in e-mails are not sent by the emulator",
    "POST /prism/urlWhitelistings": "site tracking domains (a JSON:API service of its own): not modelled",
    "GET /prism/urlWhitelistings": "site tracking domains (a JSON:API service of its own): not modelled",
    "DELETE /prism/urlWhitelistings/{domain_id}": "site tracking domains (a JSON:API service of its own): not "
                                                  "modelled",
}
