"""Reports assembled from the curriculum and the tracker's figures: the technical guide."""
