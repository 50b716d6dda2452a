"""The rest of the document's collections: accounts' contacts and fields, addresses, brandings, forms,
e-commerce, custom objects, scores, activities, and the ``contacts/{id}/...`` sub-resources.

Each is data: its path, envelopes, stamps, required fields, defaults (every field the API's
replies show) and list filters; the generic handlers in ``v3`` serve them. What only the emulator
knows about them (checks, side effects) is in ``shapers_more``; the few that are not plain
collections (custom object records, a contact's organization) in ``v3_more``.
Collections the emulator keeps but nothing fills (bounce logs, geo IPs, tracking logs...: the
emulator sends no e-mail and tracks no site) answer empty lists; tests fill them with ``insert``.
"""

from __future__ import annotations

from airflow_provider_activecampaign.testing.emulator.filters import eq, like, since
from airflow_provider_activecampaign.testing.emulator.kinds import READ_OPS, Resource
from airflow_provider_activecampaign.testing.emulator.values import as_text

NONE = frozenset[str]()
STAMPED = ("createdTimestamp", "updatedTimestamp")


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


def _logs() -> tuple[Resource, ...]:
    """The read-only logs kept per contact, listed only under ``contacts/{id}/...``."""
    return tuple(Resource(path, singular, None, "tstamp" if path != "scoreValues" else "cdate",
                          "mdate" if path == "scoreValues" else None, ops=READ_OPS, top=False,
                          defaults=defaults, mirrors=(("created_timestamp", "tstamp"), ("updated_timestamp", "tstamp"))
                          if path == "bounceLogs" else ())
                 for path, (singular, defaults) in CONTACT_LOGS.items())


MORE: tuple[Resource, ...] = (
    Resource("accountContacts", "accountContact", "CustomerAccountSubscriber", *STAMPED,
             required=("contact", "account"), create_status=201, defaults={"jobTitle": None},
             links=("account", "contact"), unique=None, upsert_on=(),
             filters={"contact": eq("contact"), "account": eq("account")}),
    Resource("accountCustomFieldMeta", "accountCustomFieldMetum", None, *STAMPED,
             required=("fieldLabel", "fieldType"), create_status=200, defaults=FIELD_META_DEFAULTS,
             native=("fieldOptions", "fieldDefault"), delete_body={"message": "AccountCustomFieldMeta deleted."},
             links=("accountCustomFieldData",)),
    Resource("accountCustomFieldData", "accountCustomFieldDatum", None, *STAMPED,
             required=("accountId", "customFieldId", "fieldValue"), native=("fieldValue",), create_status=200,
             upsert_on=("accountId", "customFieldId"), delete_body={"message": "AccountCustomFieldData deleted."},
             filters={"customerAccountId": eq("accountId")}, links=("account", "accountCustomFieldMetum"),
             aliases={"customerAccountId": "accountId"}),
    Resource("addresses", "address", "Address", None, None,
             create_status=200, defaults=_fields(address2="", city="", state="", district="", zip="",
                                                 allgroup="0", isDefault="0"),
             links=("addressGroup", "addressList", "forms")),
    Resource("addressGroups", "addressGroup", "AddressGroup", None, None, ops=frozenset({"delete"}),
             required=("address", "group")),
    Resource("addressLists", "addressList", "AddressList", None, None, ops=frozenset({"delete"}),
             required=("address", "list")),
    Resource("brandings", "branding", None, None, None, ops=frozenset({"list", "get", "update"}),
             defaults=BRANDING_DEFAULTS, total_as_str=True),
    Resource("contactDeals", "contactDeal", "SubscriberDeal", "cdate", None, required=("contact", "deal"),
             create_status=200, links=("deal", "contact"), mirrors=(("created_timestamp", "cdate"),
                                                                    ("updated_timestamp", "cdate"))),
    Resource("listGroups", "listGroup", "ListGroup", None, None, ops=frozenset({"create"}), create_status=201,
             links=("list", "group")),
    Resource("connections", "connection", "Connection", "cdate", "udate",
             required=("service", "externalid", "name"), create_status=200,
             defaults=_fields("credentialExpiration", "sync_request_time", "sync_start_time", isInternal="0",
                              status="1", syncStatus="0", lastSync=None, listId="0", connectionType="ecommerce",
                              serviceName=""),
             links=("customers", "orders"), filters={"service": eq("service"), "externalid": eq("externalid")}),
    Resource("ecomCustomers", "ecomCustomer", "EcomCustomer", "tstamp", "tstamp",
             required=("connectionid", "externalid", "email"),
             defaults=_fields(totalRevenue="0", totalOrders="0", totalProducts="0", avgRevenuePerOrder="0",
                              avgProductCategory="", acceptsMarketing="0"),
             links=("connection", "orders"),
             filters={"email": eq("email"), "externalid": eq("externalid"), "connectionid": eq("connectionid")}),
    Resource("ecomOrders", "ecomOrder", "EcomOrder", "createdDate", "updatedDate", copies=(("tstamp", "updatedDate"),),
             required=("externalid", "source", "email", "totalPrice", "currency", "connectionid", "customerid",
                       "externalCreatedDate"),
             native=("orderProducts", "orderDiscounts"), defaults=ORDER_DEFAULTS, links=("connection", "customer",
                                                                                          "orderProducts"),
             filters={"connectionid": eq("connectionid"), "externalid": eq("externalid"),
                      "externalcheckoutid": eq("externalcheckoutid"), "email": eq("email"), "state": eq("state"),
                      "customerid": eq("customerid"), "external_created_date": since("externalCreatedDate")}),
    Resource("ecomOrderProducts", "ecomOrderProduct", "EcomOrderProduct", "createdDate", "updatedDate",
             copies=(("tstamp", "updatedDate"),),
             ops=READ_OPS, defaults=ORDER_PRODUCT_DEFAULTS, links=("ecomOrder",)),
    Resource("forms", "form", "Form", "cdate", "udate", defaults=FORM_DEFAULTS, create_status=200,
             native=("actiondata", "submitdata", "style", "options", "cfields", "recent"), links=("address",)),
    Resource("savedResponses", "savedResponse", "SavedResponse", "cdate", "mdate",
             required=("title", "subject", "body"), defaults=_fields(ldate=None, last_sent_user_id=None)),
    Resource("scores", "score", "Score", "cdate", "mdate", ops=READ_OPS,
             defaults=_fields(reltype="contact", name="", descript="", status="1"), links=("scoreValues",)),
    Resource("links", "link", "Link", None, None, ops=READ_OPS, top=False,
             defaults=_fields(link="", name="", ref="", tracked="1"), links=("campaign", "message")),
    Resource("activities", "activity", None, "tstamp", None, ops=frozenset({"list"}),
             defaults=_fields("reference_type", "reference_id", "subscriberid", "userid", "contact", "user"),
             params={"contact": eq("contact"), "after": since("tstamp")}, modifiers=("include", "emails")),
    Resource("dealActivities", "dealActivity", None, "cdate", None, ops=frozenset({"list"}),
             defaults=_fields("d_id", "d_stageid", "userid", "dataId", "dataType", "dataAction", "dataOldval",
                              "deal", "user", "stage", "sortdate"),
             params={"deal": eq("d_id"), "exclude": lambda store, rec, value, query: as_text(rec.get("dataType"))
                     not in ("email", "connection_email", "LinkData")},
             filters={"data_type": eq("dataType"), "data_id": eq("dataId")}),
    Resource("emailActivities", "emailActivity", None, "tstamp", None, ops=frozenset({"list"}),
             defaults=_fields("subscriberid", "dealId", "fromAddress", "toAddress", "subject", "message"),
             filters={"subscriberid": eq("subscriberid"), "dealId": eq("dealId")}),
    Resource("customObjects/schemas", "schema", None, *STAMPED, required=("slug", "labels"), create_status=201,
             native=("labels", "fields", "relationships", "icons"), envelope="schemas",
             paged_meta=True, linked=False,
             modifiers=("orders", "filters", "showFields"),
             defaults=_fields(description="", visibility="private", fields=[], relationships=[],
                              icons={"default": ""})),
    # a pipeline's permissions, made by POST/PUT /dealGroups (users, groups) and side-loaded on those replies
    Resource("dealGroupUsers", "dealGroupUser", "DealGroupUser", None, None, ops=NONE, top=False,
             defaults={"cdate": None}, links=("dealGroup", "user")),
    Resource("dealGroupGroups", "dealGroupGroup", "DealGroupGroup", None, None, ops=NONE, top=False,
             defaults={"cdate": None}, links=("dealGroup", "group")),
    Resource("customObjects/records", "record", None, *STAMPED, ops=NONE, top=False, linked=False,
             native=("fields", "relationships"), envelope="records",
             defaults=_fields(externalId=None, fields=[], relationships={})),
    Resource("personalizations", "personalization", "Personalization", "created_timestamp", "updated_timestamp",
             required=("name", "tag", "content"), create_status=200,
             defaults=_fields(format="html", isLocked="0", listIds=[], listNames=[], listsCount="0", listids="",
                              userid="1", created_by=None, updated_by=None), native=("listIds", "listNames"),
             params={"filter[name]": like("name"), "filter[tag]": like("tag"), "filter[content]": like("content"),
                     "filter[format]": eq("format"), "filter[listName]": like("listNames")}),
    Resource("dealRoles", "dealRole", None, "created_timestamp", "updated_timestamp",
             ops=frozenset({"list", "create", "delete"}), required=("title",), create_status=200,
             params={"search": like("title")}),
    Resource("taskOutcomes", "taskOutcome", "TaskOutcome", "created_utc_timestamp", "updated_utc_timestamp",
             required=("title", "sentiment"), create_status=200,
             defaults=_fields(disabled="0", created_by="1", updated_by="1", dealTasktype_ids=[]),
             native=("dealTasktype_ids",), filters={"sentiment": eq("sentiment")}),
    Resource("tasktypeOutcomeRels", "tasktypeOutcomeRel", "TasktypeOutcomeRel", "created_utc_timestamp",
             "updated_utc_timestamp", required=("outcome_id", "tasktype_id"), create_status=200,
             defaults=_fields(display_order="0", created_by="1", updated_by="1", createdBy="1"),
             links=("outcome", "tasktype")),
    Resource("templates", "template", "Template", "mdate", "mdate", ops=frozenset({"get"}),
             defaults=_fields(categoryid="0", content="", ed_instanceid="0", ed_version="1", hidden="0",
                              importnum="0", modified="0", name="", preview_content="", subject="", used="0",
                              userid="1", waitpreview="0")),
    Resource("groupLimits", "groupLimit", None, None, None, ops=frozenset({"list"}),
             defaults=_fields(abuseRatio="4", forceSenderInfo="0", group="1", groupid="1", limitAttachment="-1",
                              limitCampaign="0", limitCampaignType="month", limitContact="0", limitList="0",
                              limitMail="0", limitMailType="month", limitUser="0")),
    Resource("configs", "config", "ConfigResult", "cdate", "udate", ops=frozenset({"update"}),
             defaults=_fields(item="", keyname="", owner="1", section="", userid="1", val="")),
    Resource("lists/exclusions", "exclusion", None, None, None, ops=frozenset({"list"}), envelope="exclusions",
             linked=False,
             native=("lists", "hidden"), defaults=_fields(matchType="exact", channel="email", hidden=False, lists=[]),
             filters={"matchPhrase": like("matchPhrase"), "lists": lambda store, rec, value, query: value in
                      [as_text(i) for i in rec.get("lists") or []]}),
    Resource("automationEntryCounts", "automationEntryCount", None, None, None, ops=NONE, top=False),
    Resource("contactData", "contactDatum", None, "tstamp", None, ops=NONE, top=False, defaults=CONTACT_DATA,
             mirrors=(("created_timestamp", "tstamp"), ("updated_timestamp", "tstamp"))),
    Resource("plusAppend", "plusAppend", None, None, None, ops=NONE, top=False, defaults=_fields(
        "last_updated_rapleaf", "last_updated_fliptop", "last_updated_fullcontact", imageUrl="",
        membershipsFacebook="", membershipsTwitter="", membershipsLinkedin="")),
    *_logs(),
)
