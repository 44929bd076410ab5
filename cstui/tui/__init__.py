"""The Textual app: screens, widgets and styles over the metric engine. Imported only to run the app."""
