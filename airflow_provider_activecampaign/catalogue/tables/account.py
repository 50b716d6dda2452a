"""The account: addresses, branding, forms, saved responses, scores, personalization variables, list
exclusions and permissions, templates, settings (site and event tracking), users and group limits."""

from __future__ import annotations

from airflow_provider_activecampaign.catalogue.model import (
    CREATE,
    DELETE,
    GET,
    LIST,
    TEXT_ID,
    UPDATE,
    Action,
    Filter,
    NaturalKey,
    Resource,
    SubCollection,
)
from airflow_provider_activecampaign.catalogue.types import Rule, enum, ident, required, text

READ = frozenset({GET, LIST})
_ENABLED = {"enabled": Rule("bool", required=True)}

RESOURCES: tuple[Resource, ...] = (
    Resource(
        "address", "addresses", "address", "addresses",
        fields={
            "groupid": ident(), "global": Rule("flag"), "company_name": required(text()),
            "address_1": required(text()), "address_2": text(), "city": text(), "state": text(), "zip": text(),
            "district": text(), "country": required(text(pattern=r"[A-Za-z]{2}")), "allgroup": Rule("flag"),
            "is_default": Rule("bool"),
        },
        created=None, updated=None,
        natural_key=NaturalKey(("company_name", "address_1", "country")),
    ),
    Resource("addressGroup", "addressGroups", "addressGroup", "addressGroups", frozenset({DELETE}),
             created=None, updated=None),
    Resource("addressList", "addressLists", "addressList", "addressLists", frozenset({DELETE}),
             created=None, updated=None),
    Resource(
        "branding", "brandings", "branding", "brandings", frozenset({GET, LIST, UPDATE}),
        fields={
            "groupid": ident(), "siteName": text(), "siteLogo": text(), "siteLogoSmall": text(),
            "headerTextValue": text(), "headerHtmlValue": text(), "footerTextValue": text(),
            "footerHtmlValue": text(), "copyright": Rule("bool"), "version": Rule("bool"), "license": Rule("bool"),
            "links": Rule("bool"), "help": text(), "adminTemplateHtm": text(), "adminTemplateCss": text(),
            "publicTemplateHtm": text(), "publicTemplateCss": text(), "favicon": text(),
        },
        created=None, updated=None,
    ),
    Resource(
        "form", "forms", "form", "forms",
        fields={"name": required(text()), "action": text(), "actiondata": Rule("dict"), "submit": text(),
                "layout": text(), "options": Rule("dict"), "style": Rule("dict"), "cfields": Rule("list"),
                "parts": Rule("list")},
        natural_key=NaturalKey(("name",)),
    ),
    Resource(
        "savedResponse", "savedResponses", "savedResponse", "savedResponses",
        fields={"title": required(text()), "subject": required(text()), "body": required(text())},
        updated="mdate",
        natural_key=NaturalKey(("title", "subject")),
    ),
    Resource("score", "scores", "score", "scores", READ, updated="mdate"),
    Resource(
        "personalization", "personalizations", "personalization", "personalizations",
        fields={"tag": required(text(pattern=r"[A-Za-z0-9_-]+")), "name": required(text()),
                "format": enum("html", "text", required=True), "content": text(), "listids": text()},
        filters={"name": Filter("filter[name]"), "tag": Filter("filter[tag]"), "list_name": Filter("filter[listName]"),
                 "content": Filter("filter[content]"), "format": Filter("filter[format]", enum("html", "text"))},
        orders=("format", "tag", "name", "content"),
        created=None, updated=None,
        natural_key=NaturalKey(("tag",), {"tag": "tag"}),
    ),
    Resource(
        "listGroup", "listGroups", "listGroup", "listGroups", frozenset({CREATE}),
        fields={"listid": ident(required=True), "groupid": ident(required=True)},
        created=None, updated=None,
    ),
    Resource(
        "listExclusion", "lists/exclusions", "exclusion", "exclusions", frozenset({GET, LIST, UPDATE}),
        fields={"channel": enum("email", "sms"), "lists": Rule("list")},
        filters={"match_phrase": Filter("filters[matchPhrase]"), "lists": Filter("filters[lists]")},
        orders=("matchPhrase", "lists"),
        created=None, updated=None,
    ),
    Resource("template", "templates", "template", "templates", frozenset({GET}), created="mdate", updated="mdate"),
    Resource("config", "configs", "config", "configs", frozenset({UPDATE}),
             fields={"val": required(text())}, created=None, updated=None),
    Resource("groupLimit", "groupLimits", "groupLimit", "groupLimits", frozenset({LIST}), created=None, updated=None),
    Resource(
        "urlWhitelisting", "prism/urlWhitelistings", "data", "data", frozenset({CREATE, LIST, DELETE}),
        fields={"type": required(text()), "attributes": Rule("dict", required=True)},
        created=None, updated=None,
    ),
    Resource("link", "campaigns/{parent}/links", "link", "links", frozenset({LIST}), parent="campaign",
             created=None, updated=None),
)

SUBCOLLECTIONS: tuple[SubCollection, ...] = ()

_ID = {"id": ident()}
ACTIONS: tuple[Action, ...] = (
    Action("personalization.bulkDelete", "DELETE", "personalizations/bulkdelete",
           query={"ids": Filter("ids", Rule("list", required=True))}, doc="delete many personalization variables"),
    Action("personalization.lock", "PATCH", "personalizations/{id}/lock", params=_ID,
           doc="lock a variable against edits"),
    Action("personalization.unlock", "PATCH", "personalizations/{id}/unlock", params=_ID, doc="unlock a variable"),
    Action("campaign.create", "POST", "campaign",
           fields={"name": required(text()), "type": enum("single", "recurring", "split", "responder", "reminder",
                                                          "special", "activerss", "text", required=True),
                   "canSplitContent": Rule("bool")},
           doc="create a draft campaign"),
    Action("campaign.copy", "POST", "campaigns/{id}/copy", params=_ID, doc="duplicate a campaign"),
    Action("campaign.edit", "PUT", "campaigns/{id}/edit", params=_ID, doc="change a draft campaign's settings"),
    Action("message.editorMarkup", "GET", "content/editorMarkup/{id}", params=_ID,
           doc="a message's HTML and CSS as the editor holds them"),
    Action("message.editorConfig", "GET", "stripo/config", query={"campaign": Filter("campaignId", ident())},
           doc="the e-mail editor's settings"),
    Action("message.editorPersonalizationTags", "GET", "stripo/personalizationTags",
           query={"scope": Filter("scope"), "campaign": Filter("campaignId", ident())},
           doc="the personalization tags the e-mail editor offers"),
    Action("form.optin", "POST", "form/optin", doc="submit a form's opt-in"),
    Action("eventTracking.status", "GET", "eventTracking", reply="eventTracking",
           doc="whether event tracking is on"),
    Action("eventTracking.set", "PUT", "eventTracking", envelope="eventTracking", fields=_ENABLED,
           reply="eventTracking", doc="turn event tracking on or off"),
    Action("siteTracking.status", "GET", "siteTracking", reply="siteTracking", doc="whether site tracking is on"),
    Action("siteTracking.set", "PUT", "siteTracking", envelope="siteTracking", fields=_ENABLED,
           reply="siteTracking", doc="turn site tracking on or off"),
    Action("siteTracking.code", "GET", "siteTracking/code", doc="the site-tracking snippet for web pages"),
    Action("user.me", "GET", "users/me", reply="user", doc="the user the API key belongs to"),
    Action("user.byEmail", "GET", "users/email/{email}", params={"email": Rule("email", required=True)},
           reply="user", doc="the user with this e-mail address"),
    Action("user.byUsername", "GET", "users/username/{username}", params={"username": TEXT_ID}, reply="user",
           doc="the user with this username"),
    Action("webhook.events", "GET", "webhook/events", reply="webhookEvents",
           doc="the event names a webhook can register for"),
)
