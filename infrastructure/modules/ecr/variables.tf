variable "name" {
  description = "Repository name (the image name)."
  type        = string
  default     = "crm-app"
}

variable "keep_last_images" {
  description = "How many commit-SHA images to keep (release images are never expired)."
  type        = number
  default     = 30
}

variable "release_tag_patterns" {
  description = "tagPatternList of release images (release.yml tags X.Y.Z). ECR selects an image only if it matches every pattern of the list, so keep it to one."
  type        = list(string)
  default     = ["*.*.*"]

  validation {
    condition     = length(var.release_tag_patterns) == 1
    error_message = "one pattern only: ECR ANDs the patterns of a tagPatternList."
  }
}

variable "release_images_never_reached" {
  description = "Count of the release rule: above ECR's 20,000 images per repository, so it never expires anything."
  type        = number
  default     = 100000
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (leftover build layers) are expired."
  type        = number
  default     = 7
}

variable "force_delete" {
  description = "Let terraform destroy delete the repository with its images (images are rebuilt from git by CI)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Extra tags."
  type        = map(string)
  default     = {}
}
