"""The rest of the document's collections: accounts' contacts and fields, addresses, brandings, forms,
e-commerce, custom objects, scores, activities, and the ``contacts/{id}/...`` sub-resources.

Each is a behaviour beside its catalogue entry (the catalogue gives path, envelopes, stamps,
required fields and list filters; the behaviour the defaults, every field the API's replies show);
the generic handlers in ``v3`` serve them. What only the emulator
knows about them (checks, side effects) is in ``shapers_more``; the few that are not plain
collections (custom object records, a contact's organization) in ``v3_more``.
Collections the emulator keeps but nothing fills (bounce logs, geo IPs, tracking logs...: the
emulator sends no e-mail and tracks no site) answer empty lists; tests fill them with ``insert``.
"""

from __future__ import annotations

from airflow_provider_activecampaign.testing.emulator.filters import eq, like, since
from airflow_provider_activecampaign.testing.emulator.kinds import READ_OPS, Behaviour, Resource
from airflow_provider_activecampaign.testing.emulator.values import as_text

NONE = frozenset[str]()


def _fields(*names: str, **given: object) -> dict[str, object]:
    """Defaults: every named field null (the API shows it), some with a value."""
    return {**dict.fromkeys(names), **given}


FIELD_META_DEFAULTS = _fields("fieldOptions", "fieldDefault", "fieldDefaultCurrency", "knownFieldId",
                              isFormVisible="1", isRequired="0", displayOrder="1", personalization="",
                              hideFieldFlag="0")
FORM_DEFAULTS = _fields(
    "addressid", action="", actiondata={"actions": []}, submit="show-thank-you", submitdata={"url": ""}, url="",
    layout="inline-form", title="", body="", button="Submit", thanks="Thanks for signing up!", style={},
    options={}, cfields=[], parentformid="0", userid="1", entries="0", aid="0", defaultscreenshot="", recent=[],
    contacts="0", deals="0", address=None, name="")
ORDER_DEFAULTS = _fields(
    "externalcheckoutid", "abandonedDate", "orderUrl", "shippingMethod", "orderDate", "externalUpdatedDate",
    state="1", source="1", totalPrice="0", discountAmount="0", shippingAmount="0", taxAmount="0",
    totalProducts="0", currency="usd", orderNumber="", customerid="0", orderDiscounts=[], orderProducts=[])
ORDER_PRODUCT_DEFAULTS = _fields("sku", "description", "category", "imageUrl", "productUrl", price="0",
                                 quantity="1", name="", externalid="")
BRANDING_DEFAULTS = _fields(
    "favicon", groupid="1", siteName="ActiveCampaign Email Marketing", siteLogo="", siteLogoSmall="",
    headerTextValue="", headerHtmlValue="", footerTextValue="", footerHtmlValue="", copyright="1", version="1",
    license="1", help="1", adminTemplateHtm="", adminTemplateCss="", publicTemplateHtm="", publicTemplateCss="")

CONTACT_DATA = _fields(
    "geoTstamp", "ga_first_visit", geoIp4="0", geoCountry2="", geo_country="", geoState="", geoCity="", geoZip="",
    geoArea="0", geoLat="0.000000", geoLon="0.000000", geoTz="", geoTzOffset="0.00", ga_campaign_source="",
    ga_campaign_name="", ga_campaign_medium="", ga_campaign_term="", ga_campaign_content="",
    ga_campaign_customsegment="", ga_times_visited="0", fb_id="0", fb_name="", tw_id="0")

#: the ``contacts/{id}/...`` collections nothing fills: (path, singular, fields the API shows)
CONTACT_LOGS = {
    "bounceLogs": ("bounceLog", _fields("bounceid", "campaignid", "messageid", "codeid", "email", "error", "source",
                                        "bounce", "campaign", "message", "code", "subscriberid")),
    "contactGoals": ("contactGoal", _fields("goalid", "seriesid", "subscriberid", "subscriberseriesid", "timespan",
                                            "goal", "automation", "contactAutomation")),
    "contactLogs": ("contactLog", {}),
    "geoIps": ("geoIp", _fields("campaignid", "messageid", "geoaddrid", "ip4", "geoAddress")),
    "trackingLogs": ("trackingLog", _fields("type", "subscriberid", "value", "hash")),
    "scoreValues": ("scoreValue", _fields("score", "deal", "scoreValue")),
}


#: the contact logs' stamps where the emulator keeps others than the catalogue's
LOG_STAMPS = {"bounceLogs": ("tstamp", None)}


def _logs() -> dict[str, Behaviour]:
    """The read-only logs kept per contact, listed only under ``contacts/{id}/...``."""
    return {singular: Behaviour(None, ops=READ_OPS, defaults=defaults, stamps=LOG_STAMPS.get(path),
                                mirrors=(("created_timestamp", "tstamp"), ("updated_timestamp", "tstamp"))
                                if path == "bounceLogs" else ())
            for path, (singular, defaults) in CONTACT_LOGS.items()}


#: What only the emulator knows about the rest of the catalogue's resources, by catalogue name.
MORE_BEHAVIOURS: dict[str, Behaviour] = {
    "accountContact": Behaviour("CustomerAccountSubscriber", create_status=201,
                                defaults={"jobTitle": None},
                                links=("account", "contact")),
    "accountCustomFieldMetum": Behaviour(
        None, create_status=200, defaults=FIELD_META_DEFAULTS, native=("fieldOptions", "fieldDefault"),
        delete_body={"message": "AccountCustomFieldMeta deleted."}, links=("accountCustomFieldData",)),
    "accountCustomFieldDatum": Behaviour(
        None, native=("fieldValue",), create_status=200, upsert_on=("accountId", "customFieldId"),
        delete_body={"message": "AccountCustomFieldData deleted."},
        predicates={"filters[customerAccountId]": eq("accountId")}, links=("account", "accountCustomFieldMetum"),
        aliases={"customerAccountId": "accountId"}),
    "address": Behaviour("Address", create_status=200, required=(),
                         defaults=_fields(address2="", city="", state="", district="", zip="", allgroup="0",
                                          isDefault="0"),
                         links=("addressGroup", "addressList", "forms")),
    "addressGroup": Behaviour("AddressGroup", required=("address", "group")),
    "addressList": Behaviour("AddressList", required=("address", "list")),
    "branding": Behaviour(None, defaults=BRANDING_DEFAULTS, total_as_str=True),
    "contactDeal": Behaviour("SubscriberDeal", create_status=200,
                             links=("deal", "contact"),
                             mirrors=(("created_timestamp", "cdate"), ("updated_timestamp", "cdate"))),
    "listGroup": Behaviour("ListGroup", create_status=201, links=("list", "group"), required=()),
    "connection": Behaviour(
        "Connection", create_status=200, required=("service", "externalid", "name"),
        defaults=_fields("credentialExpiration", "sync_request_time", "sync_start_time", isInternal="0",
                         status="1", syncStatus="0", lastSync=None, listId="0", connectionType="ecommerce",
                         serviceName=""),
        links=("customers", "orders")),
    "ecomCustomer": Behaviour(
        "EcomCustomer", stamps=("tstamp", "tstamp"), links=("connection", "orders"),
        defaults=_fields(totalRevenue="0", totalOrders="0", totalProducts="0", avgRevenuePerOrder="0",
                         avgProductCategory="", acceptsMarketing="0")),
    "ecomOrder": Behaviour(
        "EcomOrder", copies=(("tstamp", "updatedDate"),), native=("orderProducts", "orderDiscounts"),
        defaults=ORDER_DEFAULTS, links=("connection", "customer", "orderProducts"),
        predicates={"filters[external_created_date]": since("externalCreatedDate")}),
    "ecomOrderProduct": Behaviour("EcomOrderProduct", copies=(("tstamp", "updatedDate"),),
                                  defaults=ORDER_PRODUCT_DEFAULTS, links=("ecomOrder",)),
    "form": Behaviour("Form", defaults=FORM_DEFAULTS, create_status=200, required=(),
                      native=("actiondata", "submitdata", "style", "options", "cfields", "recent"), links=("address",)),
    "savedResponse": Behaviour("SavedResponse", defaults=_fields(ldate=None, last_sent_user_id=None)),
    "score": Behaviour("Score", defaults=_fields(reltype="contact", name="", descript="", status="1"),
                       links=("scoreValues",)),
    "link": Behaviour("Link", ops=READ_OPS, defaults=_fields(link="", name="", ref="", tracked="1"),
                      links=("campaign", "message")),
    "activity": Behaviour(
        None, defaults=_fields("reference_type", "reference_id", "subscriberid", "userid", "contact", "user"),
        predicates={"after": since("tstamp")}, modifiers=("include", "emails")),
    "dealActivity": Behaviour(
        None, defaults=_fields("d_id", "d_stageid", "userid", "dataId", "dataType", "dataAction", "dataOldval",
                               "deal", "user", "stage", "sortdate"),
        predicates={"deal": eq("d_id"), "exclude": lambda store, rec, value, query: as_text(rec.get("dataType"))
                    not in ("email", "connection_email", "LinkData"),
                    "filters[data_type]": eq("dataType"), "filters[data_id]": eq("dataId")}),
    "emailActivity": Behaviour(
        None, defaults=_fields("subscriberid", "dealId", "fromAddress", "toAddress", "subject", "message")),
    "customObjectSchema": Behaviour(
        None, create_status=201, native=("labels", "fields", "relationships", "icons"), paged_meta=True,
        linked=False, modifiers=("orders", "filters", "showFields"),
        defaults=_fields(description="", visibility="private", fields=[], relationships=[], icons={"default": ""})),
    # served at customObjects/records/{schema} by v3_more, which applies only relationship filters
    "customObjectRecord": Behaviour(
        None, ops=NONE, linked=False, native=("fields", "relationships"), served_at="customObjects/records",
        required=(), unapplied=("filters[externalId]",),
        defaults=_fields(externalId=None, fields=[], relationships={})),
    "personalization": Behaviour(
        "Personalization", stamps=("created_timestamp", "updated_timestamp"), create_status=200,
        required=("name", "tag", "content"),
        defaults=_fields(format="html", isLocked="0", listIds=[], listNames=[], listsCount="0", listids="",
                         userid="1", created_by=None, updated_by=None), native=("listIds", "listNames"),
        predicates={"filter[name]": like("name"), "filter[tag]": like("tag"), "filter[content]": like("content"),
                    "filter[listName]": like("listNames")}),
    "dealRole": Behaviour(None, create_status=200, predicates={"search": like("title")}),
    "taskOutcome": Behaviour("TaskOutcome", create_status=200,
                             defaults=_fields(disabled="0", created_by="1", updated_by="1", dealTasktype_ids=[]),
                             native=("dealTasktype_ids",)),
    "tasktypeOutcomeRel": Behaviour(
        "TasktypeOutcomeRel", create_status=200, required=("outcome_id", "tasktype_id"),
        defaults=_fields(display_order="0", created_by="1", updated_by="1", createdBy="1"),
        links=("outcome", "tasktype")),
    "template": Behaviour(
        "Template", defaults=_fields(categoryid="0", content="", ed_instanceid="0", ed_version="1", hidden="0",
                                     importnum="0", modified="0", name="", preview_content="", subject="", used="0",
                                     userid="1", waitpreview="0")),
    "groupLimit": Behaviour(
        None, defaults=_fields(abuseRatio="4", forceSenderInfo="0", group="1", groupid="1", limitAttachment="-1",
                               limitCampaign="0", limitCampaignType="month", limitContact="0", limitList="0",
                               limitMail="0", limitMailType="month", limitUser="0")),
    "config": Behaviour("ConfigResult", stamps=("cdate", "udate"), required=(),
                        defaults=_fields(item="", keyname="", owner="1", section="", userid="1", val="")),
    "listExclusion": Behaviour(
        None, ops=frozenset({"list"}), linked=False, native=("lists", "hidden"),
        defaults=_fields(matchType="exact", channel="email", hidden=False, lists=[]),
        predicates={"filters[matchPhrase]": like("matchPhrase"), "filters[lists]": lambda store, rec, value, query:
                    value in [as_text(i) for i in rec.get("lists") or []]}),
    "automationEntryCount": Behaviour(None, ops=NONE),
    "contactDatum": Behaviour(None, ops=NONE, stamps=("tstamp", None), defaults=CONTACT_DATA,
                              mirrors=(("created_timestamp", "tstamp"), ("updated_timestamp", "tstamp"))),
    "plusAppend": Behaviour(None, ops=NONE, defaults=_fields(
        "last_updated_rapleaf", "last_updated_fliptop", "last_updated_fullcontact", imageUrl="",
        membershipsFacebook="", membershipsTwitter="", membershipsLinkedin="")),
    **_logs(),
}

#: Collections the emulator serves that the catalogue does not describe (why: beside each).
EMULATOR_ONLY: tuple[Resource, ...] = (
    # a field's options: the document has only POST fieldOption/bulk (an action); the emulator keeps them
    # as records so that fields/{id}/options lists them
    Resource("fieldOptions", "fieldOption", "FieldOption", required=("field",), links=("field",),
             defaults={"orderid": "0", "value": "", "label": "", "isdefault": "0"}),
    # a pipeline's permissions, made by POST/PUT /dealGroups (users, groups) and side-loaded on those replies;
    # the document has no path for them
    Resource("dealGroupUsers", "dealGroupUser", "DealGroupUser", None, None, ops=NONE, top=False,
             defaults={"cdate": None}, links=("dealGroup", "user")),
    Resource("dealGroupGroups", "dealGroupGroup", "DealGroupGroup", None, None, ops=NONE, top=False,
             defaults={"cdate": None}, links=("dealGroup", "group")),
)

_GROUPS = "custom contact groups (group definitions and members) are a separate service, not modelled"
#: Catalogue resources the emulator does not serve, and why (their calls answer the API's 404).
NOT_EMULATED: dict[str, str] = {
    "geoAddress": "geo addresses: the emulator tracks no site visits",
    "groupMember": _GROUPS,
    "groupDefinition": _GROUPS,
    "taskNotification": "task reminders are sent by e-mail, which the emulator does not send",
    "urlWhitelisting": "site tracking domains (a JSON:API service of its own): not modelled",
}
