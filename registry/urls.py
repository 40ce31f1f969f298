"""The registry pages: documents and search, the clerk's day, outgoing documents and their
addressee picker, registration forms, registers and imports."""

from registry.views import clerk, documents, incoming, outgoing, recipient_picker, registers

urlpatterns = [
    *documents.urlpatterns,
    *clerk.urlpatterns,
    *outgoing.urlpatterns,
    *recipient_picker.urlpatterns,
    *incoming.urlpatterns,
    *registers.urlpatterns,
]
