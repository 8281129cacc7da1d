"""SAS Viya Folders: the virtual folder tree that web apps resolve program paths through."""
