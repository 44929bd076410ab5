"""Read models: what a screen or a command shows, assembled from storage and the metric engine, free of Textual."""
