"""What a client test looks like with the fixtures of conftest.py."""


def test_create_and_read_a_contact(api):
    status, contact = api("POST", "/contacts", {"contact": {"name": "Bob Smith", "email": "bob@example.com"}})
    assert status == 200
    assert contact["email"] == "bob@example.com"
    status, found = api("GET", "/contacts/bob@example.com")
    assert (status, found["name"]) == (200, "Bob Smith")


def test_each_test_starts_from_an_empty_tenant(api):
    status, page = api("GET", "/contacts")
    assert (status, page["total_count"]) == (200, 0)


def test_attaching_a_held_identity_moves_it_with_its_conversations(api):
    api("POST", "/contacts", {"contact": {"name": "Old", "email": "old@example.com"}})
    api("POST", "/contacts", {"contact": {"name": "New", "email": "new@example.com"}})
    status, started = api("POST", "/conversations", {"conversation": {
        "subject": "Hello", "category": "support", "message": {"body": "Hi"}, "user": {"email": "old@example.com"}}})
    assert status == 200, started
    status, identities = api("POST", "/contacts/new@example.com/identities",
                             {"identity": {"type": "email", "identifier": "old@example.com"}})
    assert status == 200
    assert [i["identifier"] for i in identities["identities"]] == ["new@example.com", "old@example.com"]
    status, conversation = api("GET", "/conversations/" + started["slug"])
    assert conversation["author"]["name"] == "New"


def test_validation_errors_are_422_with_every_field(api):
    status, body = api("POST", "/contacts", {"contact": {"email": "not-an-email", "mobile": "12"}})
    assert status == 422
    assert body == {"errors": {"email": ["is invalid"], "mobile": ["is invalid"]}}
